"""Run a Windmill flow file on this machine, without a Windmill server."""
