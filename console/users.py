"""Managing console accounts from the command line.

python -m console.users add --username anna --role agent [--name "Anna Nowak"] [--queues general,english]
python -m console.users passwd --username anna
python -m console.users list

The password is asked for interactively (or read from the first line of standard input with
--password-stdin, for scripts). Roles: agent, supervisor, verifier, analyst.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from services.accounts.models import ROLES
from services.accounts.users import AccountError, create_user, list_users, set_password
from services.handoff.models import QUEUES
from services.storage.db import session_scope
from services.storage.migrate import upgrade_to_head


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Repeat the password: ") != first:
        raise AccountError("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="the name users see, e.g. 'Anna' (default: the username)")
    add.add_argument(
        "--queues", default=",".join(QUEUES), help=f"handoff queues of an agent (default: all: {','.join(QUEUES)})"
    )
    add.add_argument("--password-stdin", action="store_true")
    passwd = commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("--username", required=True)
    passwd.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list", help="list accounts")
    args = parser.parse_args(argv)

    upgrade_to_head()
    try:
        if args.command == "add":
            queues = [q.strip() for q in args.queues.split(",") if q.strip()]
            unknown = sorted(set(queues) - set(QUEUES))
            if unknown:
                raise AccountError(f"unknown queue(s) {', '.join(unknown)} (use: {', '.join(QUEUES)})")
            password = _password(args)
            with session_scope() as session:
                user = create_user(session, args.username, password, args.role, args.name, queues)
                print(f"created {user.role} '{user.username}'")
        elif args.command == "passwd":
            password = _password(args)
            with session_scope() as session:
                set_password(session, args.username, password)
            print("password changed")
        else:
            with session_scope() as session:
                for user in list_users(session):
                    state = "" if user.active else " (inactive)"
                    print(f"{user.username}\t{user.role}\t{user.display_name}\t{user.queues}{state}")
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
