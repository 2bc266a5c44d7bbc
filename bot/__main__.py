from bot.tooling.cli import main

raise SystemExit(main())
