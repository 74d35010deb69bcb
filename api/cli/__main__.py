"""`python -m api.cli`: the same as the `safeplaces` command."""

from api.cli import main

raise SystemExit(main())
