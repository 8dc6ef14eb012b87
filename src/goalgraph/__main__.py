from goalgraph.cli import main

raise SystemExit(main())
