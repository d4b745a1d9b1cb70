from ddor_watch.monitor.cli import main

main()
