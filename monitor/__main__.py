"""`python -m ddor_watch.monitor`: the `ddor` command line."""

from ddor_watch.monitor.cli import main

# Guarded: parser children (forkserver) import the main module again and must not run the CLI.
if __name__ == "__main__":
    main()
