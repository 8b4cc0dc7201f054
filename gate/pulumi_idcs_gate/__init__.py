"""The pipeline gate: policies, then drift, read from the engine's events (not its text), with a report people read.

    collect  runs the previews through the Automation API and gathers what the engine said
    report   turns that into rows: Markdown for people, JSON for machines
    __main__ the command line and its exit codes (0 clean, 1 drift or pending change, 2 policy, 3 anything else)
"""
