// A Go program on the plugin: the resource app's lifetimes. tests/test_engine_go.py runs it (up, a clean preview,
// drift, destroy) through the project's own Go language host.
package main

import (
	"github.com/pulumi-idcs/pulumi-idcs/sdk/go/idcs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		owner, err := idcs.NewAppTokenExpiry(ctx, "resourceOwner", &idcs.AppTokenExpiryArgs{
			AppId:              pulumi.String("9fc12da9eecd4927a9ef88512ce5612e"),
			AccessTokenExpiry:  pulumi.String("2h"),
			RefreshTokenExpiry: pulumi.String("30d"),
			OnDelete:           pulumi.String("restore"),
		})
		if err != nil {
			return err
		}
		ctx.Export("accessTokenExpiry", owner.AccessTokenExpiry)
		return nil
	})
}
