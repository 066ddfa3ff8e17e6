"""`python -m console [--port 8090]`: run the staff console (see README: create the first account first)."""

from __future__ import annotations

import argparse
import logging

from console.app import create_app
from console.config import ConsoleConfig


def main() -> None:
    defaults = ConsoleConfig.from_env()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=defaults.port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = ConsoleConfig(**{**defaults.__dict__, "host": args.host, "port": args.port})
    app = create_app(config)
    print(f"console on http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main()
