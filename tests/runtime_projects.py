"""Alembic projects for the runtime's differential tests and benchmark.

``write_project(dir, dialect)`` writes a complete migration environment:
``alembic.ini`` (logging to stderr at INFO, as ``alembic init`` writes it), a
sync ``env.py`` that reads the URL from ``RT_DB_URL``, runs offline with
``literal_binds`` and takes ``-x transaction_per_migration=true``, and a chain
of revisions for the dialect::

    A  create tables (many column types, defaults, constraints, comments)
    B  add columns, indexes (unique, functional, partial), bulk_insert
    C1 branch "feature": table with FKs (ondelete/onupdate), -x seed=N rows
    C2 depends_on C1: alter_column (rename, type, default, nullable, comment), rename_table
    D  merge of C1 and C2
    E  constraints: drop/create unique, check, primary key, foreign keys; drop index/column
    F  op.execute with text() binds and inline_literal, the --tag in a bulk_insert

Each dialect's chain uses only what the dialect does natively (SQLite: no
ALTER for constraints, types or nullability). ``write_linear_chain`` writes N
revisions with one small change each (the benchmark's 1,000-revision chain).

The module also holds the test plumbing: the tools (real alembic, in-process
by default, and ours through ``ALEMBIC_RS_CMD``), scratch databases per
dialect, and schema dumps that can be compared across databases.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import traceback
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# -- revision ids (the same for every dialect) ---------------------------------

REV_A = "1a2b3c4d5e01"
REV_B = "2b3c4d5e6f02"
REV_C1 = "3c4d5e6f7a03"
REV_C2 = "4d5e6f7a8b04"
REV_D = "5e6f7a8b9c05"
REV_E = "6f7a8b9cad06"
REV_F = "7a8b9cadbe07"
CHAIN = [REV_A, REV_B, REV_C1, REV_C2, REV_D, REV_E, REV_F]

DIALECTS = ("postgresql", "sqlite", "mysql")
URL_ENV = "RT_DB_URL"

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s
prepend_sys_path = .
path_separator = os

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

ENV_PY = '''\
"""Sync env.py for the runtime tests: URL from RT_DB_URL, -x transaction_per_migration."""
import os
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

url = os.environ["RT_DB_URL"]
x_args = context.get_x_argument(as_dictionary=True)
transaction_per_migration = x_args.get("transaction_per_migration", "false") == "true"


def run_migrations_offline() -> None:
    context.configure(
        url=url,
        target_metadata=None,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=transaction_per_migration,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=None,
            transaction_per_migration=transaction_per_migration,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


@dataclass
class Revision:
    """One revision script: header values and the bodies of upgrade()/downgrade()."""

    rev: str
    down: str | tuple[str, ...] | None
    message: str
    upgrade: str = "pass"
    downgrade: str = "pass"
    branch_labels: tuple[str, ...] | None = None
    depends_on: str | None = None
    imports: str = ""

    def source(self) -> str:
        """The file's text, laid out like alembic's default script.py.mako."""
        down_text = ", ".join(self.down) if isinstance(self.down, tuple) else self.down
        return (
            f'"""{self.message}\n\n'
            f"Revision ID: {self.rev}\n"
            f"Revises: {down_text or ''}\n"
            f"Create Date: 2024-01-01 00:00:00.000000\n\n"
            '"""\n'
            "from alembic import context, op\n"
            "import sqlalchemy as sa\n"
            f"{self.imports}"
            "\n"
            f"revision = {self.rev!r}\n"
            f"down_revision = {self.down!r}\n"
            f"branch_labels = {self.branch_labels!r}\n"
            f"depends_on = {self.depends_on!r}\n\n\n"
            "def upgrade() -> None:\n"
            f"{textwrap.indent(textwrap.dedent(self.upgrade).strip(), '    ')}\n\n\n"
            "def downgrade() -> None:\n"
            f"{textwrap.indent(textwrap.dedent(self.downgrade).strip(), '    ')}\n"
        )

    def filename(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", self.message.lower()).strip("_")[:40]
        return f"{self.rev}_{slug}.py"


# -- the shared pieces of every dialect's chain ----------------------------------

_ACCOUNT_TABLE = """\
account = sa.table(
    "account",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("bio", sa.Text),
    sa.column("balance", sa.Numeric),
    sa.column("birthday", sa.Date),
    sa.column("active", sa.Boolean),
)
"""

_B_BULK = """\
op.bulk_insert(
    account,
    [
        {"id": 1, "email": "ann@example.com", "name": "Ann", "bio": "it's me", "balance": 10,
         "birthday": datetime.date(1990, 5, 17), "active": True},
        {"id": 2, "email": "bob@example.org", "name": "Bob", "bio": None, "balance": 0,
         "birthday": None, "active": False},
        {"id": 3, "email": "cy@example.com", "name": "Cy \\"the\\" 3rd", "bio": "50% off",
         "balance": 2.5, "birthday": datetime.date(2000, 1, 1), "active": True},
    ],
)
"""

_C1_BULK = """\
tag = sa.table(
    "tag",
    sa.column("id", sa.Integer),
    sa.column("account_id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("weight", sa.Integer),
)
rows = [
    {"id": 1, "account_id": 1, "label": "admin", "weight": 90},
    {"id": 2, "account_id": 1, "label": "ops", "weight": 10},
    {"id": 3, "account_id": 3, "label": "new", "weight": 0},
]
seed = int(context.get_x_argument(as_dictionary=True).get("seed", "0"))
rows += [
    {"id": 100 + i, "account_id": 2, "label": f"seed-{i}", "weight": i} for i in range(seed)
]
op.bulk_insert(tag, rows)
op.execute("UPDATE account SET name = name || '!' WHERE email LIKE '%@example.com'")
"""

_F_UP = """\
audit_log = sa.table("audit_log", sa.column("what", sa.String))
op.bulk_insert(audit_log, [{"what": f"tag={context.get_tag_argument()}"}])
op.execute(
    sa.text("UPDATE account SET level = :level WHERE email = :email").bindparams(
        level=7, email="bob@example.org"
    )
)
account = sa.table("account", sa.column("email", sa.String), sa.column("level", sa.Integer))
op.execute(
    account.update()
    .where(account.c.email == op.inline_literal("ann@example.com"))
    .values({"level": op.inline_literal(5)})
)
"""

_F_DOWN = """\
op.execute("DELETE FROM audit_log WHERE what LIKE 'tag=%'")
op.execute("UPDATE account SET level = 1")
"""


def _postgresql_chain() -> list[Revision]:
    pg_imports = "import datetime\n\nfrom sqlalchemy.dialects import postgresql\n"
    return [
        Revision(
            REV_A,
            None,
            "create account and audit",
            imports=pg_imports,
            upgrade="""\
            op.create_table(
                "account",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("email", sa.String(255), nullable=False),
                sa.Column("name", sa.Unicode(100), server_default="anon"),
                sa.Column("bio", sa.Text),
                sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
                sa.Column(
                    "created_at",
                    sa.DateTime(timezone=True),
                    server_default=sa.func.now(),
                    nullable=False,
                ),
                sa.Column("balance", sa.Numeric(12, 2), server_default="0"),
                sa.Column("score", sa.Float),
                sa.Column("birthday", sa.Date),
                sa.Column("wake", sa.Time),
                sa.Column("big", sa.BigInteger),
                sa.Column("small", sa.SmallInteger),
                sa.Column("data", postgresql.JSONB, server_default=sa.text("'{}'::jsonb")),
                sa.Column("doc", sa.JSON),
                sa.Column("token", sa.Uuid, server_default=sa.text("gen_random_uuid()")),
                sa.Column("blob", sa.LargeBinary),
                sa.Column("labels", postgresql.ARRAY(sa.String(20))),
                sa.Column("mood", sa.Enum("happy", "sad", "it's ok", name="mood")),
                sa.Column("ip", postgresql.INET),
                sa.Column("span", sa.Interval),
                sa.Column("seq", sa.Integer, sa.Identity(start=10, increment=5)),
                sa.Column("double_small", sa.Integer, sa.Computed("small * 2", persisted=True)),
                sa.UniqueConstraint("email", name="uq_account_email"),
                sa.CheckConstraint("balance >= 0", name="ck_account_balance"),
                comment="people who log in",
            )
            op.create_table(
                "audit",
                sa.Column("id", sa.BigInteger, primary_key=True),
                sa.Column(
                    "account_id", sa.Integer, sa.ForeignKey("account.id", ondelete="SET NULL")
                ),
                sa.Column("what", sa.String(50), nullable=False, comment="the action"),
                sa.Column("at", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
            )
            """,
            downgrade="""\
            op.drop_table("audit")
            op.drop_table("account")
            op.execute("DROP TYPE mood")
            """,
        ),
        Revision(
            REV_B,
            REV_A,
            "add columns and indexes",
            imports="import datetime\n",
            upgrade=f"""\
            op.add_column("account", sa.Column("phone", sa.String(30), comment="E.164"))
            op.add_column(
                "account",
                sa.Column("level", sa.Integer, nullable=False, server_default="1"),
            )
            op.create_index(
                "ix_account_email_lower", "account", [sa.text("lower(email)")], unique=True
            )
            op.create_index(
                "ix_account_active_created",
                "account",
                ["created_at"],
                postgresql_where=sa.text("active"),
            )
            op.create_index(op.f("ix_audit_what"), "audit", ["what"])
            op.create_table_comment("audit", "what happened")
            {textwrap.indent(_ACCOUNT_TABLE, " " * 12).strip()}
            {textwrap.indent(_B_BULK, " " * 12).strip()}
            """,
            downgrade="""\
            op.execute("DELETE FROM account")
            op.drop_table_comment("audit", existing_comment="what happened")
            op.drop_index(op.f("ix_audit_what"), table_name="audit")
            op.drop_index("ix_account_active_created", table_name="account")
            op.drop_index("ix_account_email_lower", table_name="account")
            op.drop_column("account", "level")
            op.drop_column("account", "phone")
            """,
        ),
        Revision(
            REV_C1,
            REV_B,
            "tags",
            branch_labels=("feature",),
            upgrade=f"""\
            op.create_table(
                "tag",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column(
                    "account_id",
                    sa.Integer,
                    sa.ForeignKey("account.id", ondelete="CASCADE", onupdate="CASCADE"),
                    nullable=False,
                ),
                sa.Column("label", sa.String(40), nullable=False),
                sa.Column("weight", sa.Integer, server_default="0"),
                sa.UniqueConstraint("account_id", "label", name="uq_tag_account_label"),
                sa.CheckConstraint("weight BETWEEN 0 AND 100", name="ck_tag_weight"),
            )
            {textwrap.indent(_C1_BULK, " " * 12).strip()}
            """,
            downgrade="""\
            op.execute("UPDATE account SET name = rtrim(name, '!')")
            op.drop_table("tag")
            """,
        ),
        Revision(
            REV_C2,
            REV_B,
            "rename and alter",
            depends_on=REV_C1,
            upgrade="""\
            op.alter_column(
                "account", "bio", new_column_name="about", comment="free text",
                existing_type=sa.Text,
            )
            op.alter_column(
                "account", "name", type_=sa.String(200), existing_type=sa.Unicode(100),
                nullable=False, existing_server_default="anon",
            )
            op.alter_column("account", "score", server_default="1.5", existing_type=sa.Float)
            op.alter_column(
                "account", "big", type_=sa.Numeric(20), existing_type=sa.BigInteger,
                postgresql_using="big::numeric(20)",
            )
            op.rename_table("audit", "audit_log")
            op.alter_column(
                "audit_log", "what", comment=None, existing_comment="the action",
                existing_type=sa.String(50), existing_nullable=False,
            )
            """,
            downgrade="""\
            op.alter_column(
                "audit_log", "what", comment="the action", existing_type=sa.String(50),
                existing_nullable=False,
            )
            op.rename_table("audit_log", "audit")
            op.alter_column(
                "account", "big", type_=sa.BigInteger, existing_type=sa.Numeric(20),
                postgresql_using="big::bigint",
            )
            op.alter_column("account", "score", server_default=None, existing_type=sa.Float)
            op.alter_column(
                "account", "name", type_=sa.Unicode(100), existing_type=sa.String(200),
                nullable=True, existing_server_default="anon",
            )
            op.alter_column(
                "account", "about", new_column_name="bio", comment=None,
                existing_comment="free text", existing_type=sa.Text,
            )
            """,
        ),
        Revision(REV_D, (REV_C1, REV_C2), "merge feature and alter"),
        Revision(
            REV_E,
            REV_D,
            "constraints",
            upgrade="""\
            op.drop_constraint("uq_account_email", "account", type_="unique")
            op.create_unique_constraint("uq_account_email_level", "account", ["email", "level"])
            op.create_check_constraint("ck_tag_label_len", "tag", "length(label) > 0")
            op.create_table(
                "membership",
                sa.Column("account_id", sa.Integer, nullable=False),
                sa.Column("tag_id", sa.Integer, nullable=False),
                sa.Column("since", sa.Date),
            )
            op.create_primary_key("pk_membership", "membership", ["account_id", "tag_id"])
            op.create_foreign_key(
                "fk_membership_account", "membership", "account", ["account_id"], ["id"],
                ondelete="CASCADE", onupdate="RESTRICT",
            )
            op.create_foreign_key(
                "fk_membership_tag", "membership", "tag", ["tag_id"], ["id"],
                deferrable=True, initially="DEFERRED",
            )
            op.drop_index("ix_audit_what", table_name="audit_log")
            op.drop_column("account", "wake")
            op.execute(
                "INSERT INTO membership (account_id, tag_id, since) "
                "SELECT t.account_id, t.id, DATE '2024-01-01' FROM tag t"
            )
            op.execute("UPDATE account SET phone = '' WHERE phone IS NULL")
            op.alter_column(
                "account", "phone", nullable=False, server_default="",
                existing_type=sa.String(30),
            )
            """,
            downgrade="""\
            op.alter_column(
                "account", "phone", nullable=True, server_default=None,
                existing_type=sa.String(30),
            )
            op.add_column("account", sa.Column("wake", sa.Time))
            op.create_index("ix_audit_what", "audit_log", ["what"])
            op.drop_constraint("fk_membership_tag", "membership", type_="foreignkey")
            op.drop_constraint("fk_membership_account", "membership", type_="foreignkey")
            op.drop_table("membership")
            op.drop_constraint("ck_tag_label_len", "tag", type_="check")
            op.drop_constraint("uq_account_email_level", "account", type_="unique")
            op.create_unique_constraint("uq_account_email", "account", ["email"])
            """,
        ),
        Revision(REV_F, REV_E, "data with binds and the tag", upgrade=_F_UP, downgrade=_F_DOWN),
    ]


def _sqlite_chain() -> list[Revision]:
    return [
        Revision(
            REV_A,
            None,
            "create account and audit",
            upgrade="""\
            op.create_table(
                "account",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("email", sa.String(255), nullable=False),
                sa.Column("name", sa.Unicode(100), server_default="anon"),
                sa.Column("bio", sa.Text),
                sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
                sa.Column(
                    "created_at", sa.DateTime, server_default=sa.func.now(), nullable=False
                ),
                sa.Column("balance", sa.Numeric(12, 2), server_default="0"),
                sa.Column("score", sa.Float),
                sa.Column("birthday", sa.Date),
                sa.Column("wake", sa.Time),
                sa.Column("big", sa.BigInteger),
                sa.Column("doc", sa.JSON),
                sa.Column("token", sa.Uuid),
                sa.Column("blob", sa.LargeBinary),
                sa.Column("mood", sa.Enum("happy", "sad", "it's ok", create_constraint=True)),
                sa.Column("double_big", sa.Integer, sa.Computed("big * 2", persisted=True)),
                sa.UniqueConstraint("email", name="uq_account_email"),
                sa.CheckConstraint("balance >= 0", name="ck_account_balance"),
                comment="people who log in",
            )
            op.create_table(
                "audit",
                sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                sa.Column(
                    "account_id", sa.Integer, sa.ForeignKey("account.id", ondelete="SET NULL")
                ),
                sa.Column("what", sa.String(50), nullable=False, comment="the action"),
                sa.Column("at", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
                sqlite_autoincrement=True,
            )
            """,
            downgrade="""\
            op.drop_table("audit")
            op.drop_table("account")
            """,
        ),
        Revision(
            REV_B,
            REV_A,
            "add columns and indexes",
            imports="import datetime\n",
            upgrade=f"""\
            op.add_column("account", sa.Column("phone", sa.String(30), comment="E.164"))
            op.add_column(
                "account",
                sa.Column("level", sa.Integer, nullable=False, server_default="1"),
            )
            op.create_index(
                "ix_account_email_lower", "account", [sa.text("lower(email)")], unique=True
            )
            op.create_index(
                "ix_account_active_created",
                "account",
                ["created_at"],
                sqlite_where=sa.text("active = 1"),
            )
            op.create_index(op.f("ix_audit_what"), "audit", ["what"])
            {textwrap.indent(_ACCOUNT_TABLE, " " * 12).strip()}
            {textwrap.indent(_B_BULK, " " * 12).strip()}
            """,
            downgrade="""\
            op.execute("DELETE FROM account")
            op.drop_index(op.f("ix_audit_what"), table_name="audit")
            op.drop_index("ix_account_active_created", table_name="account")
            op.drop_index("ix_account_email_lower", table_name="account")
            op.drop_column("account", "level")
            op.drop_column("account", "phone")
            """,
        ),
        Revision(
            REV_C1,
            REV_B,
            "tags",
            branch_labels=("feature",),
            upgrade=f"""\
            op.create_table(
                "tag",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column(
                    "account_id",
                    sa.Integer,
                    sa.ForeignKey("account.id", ondelete="CASCADE", onupdate="CASCADE"),
                    nullable=False,
                ),
                sa.Column("label", sa.String(40), nullable=False),
                sa.Column("weight", sa.Integer, server_default="0"),
                sa.UniqueConstraint("account_id", "label", name="uq_tag_account_label"),
                sa.CheckConstraint("weight BETWEEN 0 AND 100", name="ck_tag_weight"),
            )
            {textwrap.indent(_C1_BULK, " " * 12).strip()}
            """,
            downgrade="""\
            op.execute("UPDATE account SET name = rtrim(name, '!')")
            op.drop_table("tag")
            """,
        ),
        Revision(
            REV_C2,
            REV_B,
            "rename and alter",
            depends_on=REV_C1,
            upgrade="""\
            op.alter_column("account", "bio", new_column_name="about")
            op.rename_table("audit", "audit_log")
            op.create_index("ix_account_about", "account", ["about"])
            """,
            downgrade="""\
            op.drop_index("ix_account_about", table_name="account")
            op.rename_table("audit_log", "audit")
            op.alter_column("account", "about", new_column_name="bio")
            """,
        ),
        Revision(REV_D, (REV_C1, REV_C2), "merge feature and alter"),
        Revision(
            REV_E,
            REV_D,
            "constraints",
            upgrade="""\
            op.create_table(
                "membership",
                sa.Column(
                    "account_id",
                    sa.Integer,
                    sa.ForeignKey("account.id", ondelete="CASCADE", onupdate="RESTRICT"),
                    nullable=False,
                ),
                sa.Column("tag_id", sa.Integer, sa.ForeignKey("tag.id"), nullable=False),
                sa.Column("since", sa.Date),
                sa.PrimaryKeyConstraint("account_id", "tag_id", name="pk_membership"),
            )
            op.drop_index("ix_audit_what", table_name="audit_log")
            op.drop_column("account", "wake")
            op.execute(
                "INSERT INTO membership (account_id, tag_id, since) "
                "SELECT t.account_id, t.id, DATE('2024-01-01') FROM tag t"
            )
            """,
            downgrade="""\
            op.add_column("account", sa.Column("wake", sa.Time))
            op.create_index("ix_audit_what", "audit_log", ["what"])
            op.drop_table("membership")
            """,
        ),
        Revision(REV_F, REV_E, "data with binds and the tag", upgrade=_F_UP, downgrade=_F_DOWN),
    ]


def _mysql_chain() -> list[Revision]:
    return [
        Revision(
            REV_A,
            None,
            "create account and audit",
            imports="from sqlalchemy.dialects import mysql\n",
            upgrade="""\
            op.create_table(
                "account",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("email", sa.String(255), nullable=False),
                sa.Column("name", sa.Unicode(100), server_default="anon"),
                sa.Column("bio", sa.Text),
                sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
                sa.Column(
                    "created_at", sa.DateTime, server_default=sa.func.now(), nullable=False
                ),
                sa.Column("balance", sa.Numeric(12, 2), server_default="0"),
                sa.Column("score", sa.Float),
                sa.Column("birthday", sa.Date),
                sa.Column("wake", sa.Time),
                sa.Column("big", sa.BigInteger),
                sa.Column("small", sa.SmallInteger),
                sa.Column("tiny", mysql.TINYINT(unsigned=True)),
                sa.Column("doc", sa.JSON),
                sa.Column("blob", sa.LargeBinary),
                sa.Column("mood", sa.Enum("happy", "sad", "it's ok")),
                sa.Column("double_small", sa.Integer, sa.Computed("small * 2", persisted=True)),
                sa.UniqueConstraint("email", name="uq_account_email"),
                sa.CheckConstraint("balance >= 0", name="ck_account_balance"),
                comment="people who log in",
                mysql_engine="InnoDB",
                mysql_charset="utf8mb4",
            )
            op.create_table(
                "audit",
                sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
                sa.Column(
                    "account_id", sa.Integer, sa.ForeignKey("account.id", ondelete="SET NULL")
                ),
                sa.Column("what", sa.String(50), nullable=False, comment="the action"),
                sa.Column("at", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
                mysql_engine="InnoDB",
            )
            """,
            downgrade="""\
            op.drop_table("audit")
            op.drop_table("account")
            """,
        ),
        Revision(
            REV_B,
            REV_A,
            "add columns and indexes",
            imports="import datetime\n",
            upgrade=f"""\
            op.add_column("account", sa.Column("phone", sa.String(30), comment="E.164"))
            op.add_column(
                "account",
                sa.Column("level", sa.Integer, nullable=False, server_default="1"),
            )
            op.create_index("ix_account_bio", "account", ["bio"], mysql_length={{"bio": 20}})
            op.create_index("ix_account_created", "account", ["created_at", "active"])
            op.create_index(op.f("ix_audit_what"), "audit", ["what"], unique=False)
            op.create_table_comment("audit", "what happened")
            {textwrap.indent(_ACCOUNT_TABLE, " " * 12).strip()}
            {textwrap.indent(_B_BULK, " " * 12).strip()}
            """,
            downgrade="""\
            op.execute("DELETE FROM account")
            op.drop_table_comment("audit", existing_comment="what happened")
            op.drop_index(op.f("ix_audit_what"), table_name="audit")
            op.drop_index("ix_account_created", table_name="account")
            op.drop_index("ix_account_bio", table_name="account")
            op.drop_column("account", "level")
            op.drop_column("account", "phone")
            """,
        ),
        Revision(
            REV_C1,
            REV_B,
            "tags",
            branch_labels=("feature",),
            upgrade=f"""\
            op.create_table(
                "tag",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column(
                    "account_id",
                    sa.Integer,
                    sa.ForeignKey("account.id", ondelete="CASCADE", onupdate="CASCADE"),
                    nullable=False,
                ),
                sa.Column("label", sa.String(40), nullable=False),
                sa.Column("weight", sa.Integer, server_default="0"),
                sa.UniqueConstraint("account_id", "label", name="uq_tag_account_label"),
                sa.CheckConstraint("weight BETWEEN 0 AND 100", name="ck_tag_weight"),
                mysql_engine="InnoDB",
            )
            {textwrap.indent(_C1_BULK, " " * 12).strip().replace("name || '!'", "CONCAT(name, '!')")}
            """,
            downgrade="""\
            op.execute("UPDATE account SET name = TRIM(TRAILING '!' FROM name)")
            op.drop_table("tag")
            """,
        ),
        Revision(
            REV_C2,
            REV_B,
            "rename and alter",
            depends_on=REV_C1,
            upgrade="""\
            op.alter_column(
                "account", "bio", new_column_name="about", comment="free text",
                existing_type=sa.Text,
            )
            op.alter_column(
                "account", "name", type_=sa.String(200), existing_type=sa.Unicode(100),
                nullable=False, existing_server_default="anon",
            )
            op.alter_column("account", "score", server_default="1.5", existing_type=sa.Float)
            op.alter_column(
                "account", "big", type_=sa.Numeric(20), existing_type=sa.BigInteger
            )
            op.rename_table("audit", "audit_log")
            op.alter_column(
                "audit_log", "what", comment=None, existing_comment="the action",
                existing_type=sa.String(50), existing_nullable=False,
            )
            """,
            downgrade="""\
            op.alter_column(
                "audit_log", "what", comment="the action", existing_type=sa.String(50),
                existing_nullable=False,
            )
            op.rename_table("audit_log", "audit")
            op.alter_column("account", "big", type_=sa.BigInteger, existing_type=sa.Numeric(20))
            op.alter_column("account", "score", server_default=None, existing_type=sa.Float)
            op.alter_column(
                "account", "name", type_=sa.Unicode(100), existing_type=sa.String(200),
                nullable=True, existing_server_default="anon",
            )
            op.alter_column(
                "account", "about", new_column_name="bio", comment=None,
                existing_comment="free text", existing_type=sa.Text,
            )
            """,
        ),
        Revision(REV_D, (REV_C1, REV_C2), "merge feature and alter"),
        Revision(
            REV_E,
            REV_D,
            "constraints",
            upgrade="""\
            op.drop_constraint("uq_account_email", "account", type_="unique")
            op.create_unique_constraint("uq_account_email_level", "account", ["email", "level"])
            op.create_check_constraint("ck_tag_label_len", "tag", "CHAR_LENGTH(label) > 0")
            op.create_table(
                "membership",
                sa.Column("account_id", sa.Integer, nullable=False),
                sa.Column("tag_id", sa.Integer, nullable=False),
                sa.Column("since", sa.Date),
                mysql_engine="InnoDB",
            )
            op.create_primary_key("pk_membership", "membership", ["account_id", "tag_id"])
            op.create_foreign_key(
                "fk_membership_account", "membership", "account", ["account_id"], ["id"],
                ondelete="CASCADE", onupdate="RESTRICT",
            )
            op.create_foreign_key("fk_membership_tag", "membership", "tag", ["tag_id"], ["id"])
            op.drop_index("ix_audit_what", table_name="audit_log")
            op.drop_column("account", "wake")
            op.execute(
                "INSERT INTO membership (account_id, tag_id, since) "
                "SELECT t.account_id, t.id, DATE '2024-01-01' FROM tag t"
            )
            op.execute("UPDATE account SET phone = '' WHERE phone IS NULL")
            op.alter_column(
                "account", "phone", nullable=False, server_default="",
                existing_type=sa.String(30), existing_comment="E.164",
            )
            """,
            downgrade="""\
            op.alter_column(
                "account", "phone", nullable=True, server_default=None,
                existing_type=sa.String(30), existing_comment="E.164",
            )
            op.add_column("account", sa.Column("wake", sa.Time))
            op.create_index("ix_audit_what", "audit_log", ["what"])
            op.drop_constraint("fk_membership_tag", "membership", type_="foreignkey")
            op.drop_constraint("fk_membership_account", "membership", type_="foreignkey")
            op.drop_table("membership")
            op.drop_constraint("ck_tag_label_len", "tag", type_="check")
            op.create_unique_constraint("uq_account_email", "account", ["email"])
            op.drop_constraint("uq_account_email_level", "account", type_="unique")
            """,
        ),
        Revision(REV_F, REV_E, "data with binds and the tag", upgrade=_F_UP, downgrade=_F_DOWN),
    ]


CHAINS = {
    "postgresql": _postgresql_chain,
    "sqlite": _sqlite_chain,
    "mysql": _mysql_chain,
}


def write_project(
    directory: Path, revisions: Sequence[Revision] | str, *, ini_extra: str = ""
) -> Path:
    """Write alembic.ini, env.py and the revisions (or a dialect's chain) into ``directory``."""
    if isinstance(revisions, str):
        revisions = CHAINS[revisions]()
    directory.mkdir(parents=True, exist_ok=True)
    ini = ALEMBIC_INI.replace("path_separator = os\n", f"path_separator = os\n{ini_extra}")
    (directory / "alembic.ini").write_text(ini)
    (directory / "env.py").write_text(ENV_PY)
    (directory / "script.py.mako").write_text(SCRIPT_MAKO)
    versions = directory / "versions"
    versions.mkdir(exist_ok=True)
    for revision in revisions:
        (versions / revision.filename()).write_text(revision.source())
    return directory


def failing_chain(length: int = 5, failing: int = 3) -> list[Revision]:
    """A linear chain where revision ``failing`` (1-based) runs a SQL syntax error."""
    revisions = []
    down = None
    for i in range(1, length + 1):
        rev = f"f{i:011d}"
        up = f'op.create_table("step{i}", sa.Column("id", sa.Integer, primary_key=True))'
        if i == failing:
            up += '\nop.execute("CREATE TABLEX broken (id INTEGER)")'
        revisions.append(
            Revision(rev, down, f"step {i}", upgrade=up, downgrade=f'op.drop_table("step{i}")')
        )
        down = rev
    return revisions


def chain_rev_id(i: int) -> str:
    """The id of revision ``i`` (1-based) of a generated linear chain."""
    return hashlib.sha1(f"chain-{i}".encode()).hexdigest()[:12]


def linear_chain(n: int) -> list[Revision]:
    """N revisions, each one small change that PostgreSQL, SQLite and MySQL all run natively.

    Groups of four: create a table, add a column, index it, rename the column.
    """
    revisions = []
    down = None
    for i in range(1, n + 1):
        rev = chain_rev_id(i)
        kind = i % 4
        if kind == 1:
            up = (
                f'op.create_table("t{i}", sa.Column("id", sa.Integer, primary_key=True),'
                ' sa.Column("name", sa.String(50), nullable=False),'
                ' sa.Column("created", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")))'
            )
            dn = f'op.drop_table("t{i}")'
        elif kind == 2:
            up = f'op.add_column("t{i - 1}", sa.Column("note", sa.String(100)))'
            dn = f'op.drop_column("t{i - 1}", "note")'
        elif kind == 3:
            up = f'op.create_index("ix_t{i - 2}_name", "t{i - 2}", ["name"])'
            dn = f'op.drop_index("ix_t{i - 2}_name", table_name="t{i - 2}")'
        else:
            up = (
                f'op.alter_column("t{i - 3}", "note", new_column_name="remark",'
                " existing_type=sa.String(100))"
            )
            dn = (
                f'op.alter_column("t{i - 3}", "remark", new_column_name="note",'
                " existing_type=sa.String(100))"
            )
        revisions.append(Revision(rev, down, f"step {i}", upgrade=up, downgrade=dn))
        down = rev
    return revisions


def write_linear_chain(directory: Path, n: int) -> Path:
    """A project holding ``linear_chain(n)``; its head is ``chain_rev_id(n)``."""
    return write_project(directory, linear_chain(n))


# -- the tools -------------------------------------------------------------------


@dataclass
class Result:
    """Exit status and output of one command."""

    tool: str
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Result:
        if self.returncode != 0:
            raise AssertionError(
                f"{self.tool} {' '.join(self.argv)} exited {self.returncode}\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
            )
        return self


@contextlib.contextmanager
def _patched_env(cwd: Path, env: Mapping[str, str]) -> Iterator[None]:
    old_cwd, old_env, old_path = os.getcwd(), dict(os.environ), list(sys.path)
    os.chdir(cwd)
    os.environ.update(env)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)
        sys.path[:] = old_path


def _alembic_in_process(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Result:
    """alembic's own CLI, in this process (no interpreter start-up per command)."""
    from alembic.config import CommandLine, Config

    argv = list(argv)
    out, err = io.StringIO(), io.StringIO()
    returncode = 0
    with (
        _patched_env(cwd, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            cmdline = CommandLine(prog="alembic")
            options = cmdline.parser.parse_args(argv)
            toml, ini = cmdline._inis_from_config(options)
            cfg = Config(
                file_=ini, toml_file=toml, ini_section=options.name, cmd_opts=options, stdout=out
            )
            cmdline.run_cmd(cfg, options)
        except SystemExit as exc:
            code = exc.code
            returncode = code if isinstance(code, int) else (0 if code is None else 1)
            returncode = returncode & 0xFF  # alembic's util.err() exits -1, a shell sees 255
        except Exception:
            traceback.print_exc(file=err)
            returncode = 1
    return Result("alembic", argv, returncode, out.getvalue(), err.getvalue())


@dataclass
class Tool:
    """A way to run an alembic command line: ``tool.run(argv, cwd, env)``.

    ``command`` None runs real alembic in this process; otherwise it is a
    command line (split like a shell would) run in a subprocess.
    """

    name: str
    command: list[str] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def run(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Result:
        env = dict(env or {})
        if self.command is None:
            return _alembic_in_process(argv, cwd, env)
        proc = subprocess.run(
            [*self.command, *argv],
            cwd=cwd,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
            capture_output=True,
            text=True,
            check=False,
        )
        return Result(self.name, list(argv), proc.returncode, proc.stdout, proc.stderr)

    @property
    def is_real_alembic(self) -> bool:
        """True when this tool is alembic itself (the harness's self-check mode)."""
        return self.command is None or Path(self.command[-1]).name == "alembic"


def alembic_tool() -> Tool:
    """Real alembic: in-process, or the command in ``ALEMBIC_CMD`` if set."""
    command = os.environ.get("ALEMBIC_CMD")
    return Tool("alembic", shlex.split(command) if command else None)


def ours_command() -> list[str]:
    """``ALEMBIC_RS_CMD``, or the ``alembic-rs`` next to the running Python."""
    command = os.environ.get("ALEMBIC_RS_CMD")
    if command:
        return shlex.split(command)
    return [str(Path(sys.executable).parent / "alembic-rs")]


def ours_tool() -> Tool | None:
    """Our CLI, or None when it cannot be found."""
    command = ours_command()
    if shutil.which(command[0]) is None:
        return None
    return Tool("ours", command)


# -- scratch databases -------------------------------------------------------------

PG_HOST = os.environ.get("RT_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("RT_PG_PORT", "5432"))
PG_USER = os.environ.get("RT_PG_USER", "postgres")
MYSQL_HOST = os.environ.get("RT_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("RT_MYSQL_PORT", "3306"))
MYSQL_USER = os.environ.get("RT_MYSQL_USER", "root")


def unique_name(prefix: str = "rt") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def pg_url(database: str, driver: str = "psycopg", port: int | None = None) -> str:
    return f"postgresql+{driver}://{PG_USER}@{PG_HOST}:{port or PG_PORT}/{database}"


def mysql_url(database: str) -> str:
    return f"mysql+pymysql://{MYSQL_USER}@{MYSQL_HOST}:{MYSQL_PORT}/{database}"


def offline_url(dialect: str) -> str:
    """A URL that only names the dialect (``--sql`` never connects)."""
    return {
        "postgresql": "postgresql+psycopg://u@localhost/offline",
        "sqlite": "sqlite:///offline.db",
        "mysql": "mysql+pymysql://u@localhost/offline",
    }[dialect]


@dataclass
class ScratchDatabase:
    """A fresh database on the dialect's local server (or a SQLite file)."""

    dialect: str
    name: str
    url: str
    path: Path | None = None

    def engine(self):
        import sqlalchemy as sa

        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)


def _admin_engine(dialect: str):
    import sqlalchemy as sa

    if dialect == "postgresql":
        return sa.create_engine(
            pg_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
        )
    return sa.create_engine(
        f"mysql+pymysql://{MYSQL_USER}@{MYSQL_HOST}:{MYSQL_PORT}/",
        poolclass=sa.pool.NullPool,
    )


def create_database(dialect: str, tmp_dir: Path) -> ScratchDatabase:
    name = unique_name()
    if dialect == "sqlite":
        path = tmp_dir / f"{name}.db"
        return ScratchDatabase(dialect, name, f"sqlite:///{path}", path)
    engine = _admin_engine(dialect)
    with engine.connect() as conn:
        if dialect == "postgresql":
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = pg_url(name)
        else:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
            url = mysql_url(name)
    engine.dispose()
    return ScratchDatabase(dialect, name, url)


def drop_database(db: ScratchDatabase) -> None:
    if db.dialect == "sqlite":
        if db.path is not None:
            db.path.unlink(missing_ok=True)
        return
    engine = _admin_engine(db.dialect)
    with engine.connect() as conn:
        if db.dialect == "postgresql":
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        else:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{db.name}`")
    engine.dispose()


# -- what a database holds, in a form two databases can be compared by ----------------


def versions(db: ScratchDatabase) -> list[str] | None:
    """alembic_version's rows (sorted), or None when there is no such table."""
    import sqlalchemy as sa

    engine = db.engine()
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
    finally:
        engine.dispose()


def tables(db: ScratchDatabase) -> set[str]:
    import sqlalchemy as sa

    engine = db.engine()
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def table_data(db: ScratchDatabase) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, with values as repr() (time-dependent columns blanked)."""
    import sqlalchemy as sa

    engine = db.engine()
    out: dict[str, list[tuple]] = {}
    try:
        with engine.connect() as conn:
            meta = sa.MetaData()
            with warnings.catch_warnings():  # SQLite: "expression-based index" not reflected
                warnings.simplefilter("ignore", sa.exc.SAWarning)
                meta.reflect(conn)
            for name, table in sorted(meta.tables.items()):
                cols = [
                    c
                    for c in table.columns
                    if c.name not in {"created_at", "at", "created", "token"}
                ]
                rows = conn.execute(sa.select(*cols)).all()
                out[name] = sorted(tuple(repr(v) for v in row) for row in rows)
    finally:
        engine.dispose()
    return out


def pg_dump(
    database: str,
    *,
    host: str = PG_HOST,
    port: int | None = PG_PORT,
    user: str = PG_USER,
    executable: str = "pg_dump",
) -> str:
    """``pg_dump --schema-only --no-owner``, with what differs between two databases removed."""
    cmd = [executable, "--schema-only", "--no-owner", "-h", host, "-U", user]
    if port is not None:
        cmd += ["-p", str(port)]
    proc = subprocess.run(
        [*cmd, database], capture_output=True, text=True, check=True, env={**os.environ}
    )
    lines = []
    for line in proc.stdout.splitlines():
        # pg_dump >= 17.6 brackets the dump in \restrict KEY / \unrestrict KEY, KEY random
        if line.startswith(("\\restrict ", "\\unrestrict ")):
            continue
        lines.append(line.replace(database, "DB"))
    return "\n".join(lines)


def sqlite_schema(db: ScratchDatabase) -> list[tuple]:
    import sqlite3

    assert db.path is not None
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()


_MYSQL_QUERIES = {
    "tables": "SELECT table_name, engine, table_collation, table_comment"
    " FROM information_schema.tables WHERE table_schema = %s ORDER BY 1",
    "columns": "SELECT table_name, column_name, ordinal_position, column_default, is_nullable,"
    " column_type, extra, column_comment, generation_expression, collation_name"
    " FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 3",
    "indexes": "SELECT table_name, index_name, seq_in_index, column_name, non_unique, sub_part"
    " FROM information_schema.statistics WHERE table_schema = %s ORDER BY 1, 2, 3",
    "constraints": "SELECT table_name, constraint_name, constraint_type"
    " FROM information_schema.table_constraints WHERE constraint_schema = %s ORDER BY 1, 2, 3",
    "foreign_keys": "SELECT k.table_name, k.constraint_name, k.column_name,"
    " k.referenced_table_name, k.referenced_column_name, r.update_rule, r.delete_rule"
    " FROM information_schema.key_column_usage k"
    " JOIN information_schema.referential_constraints r"
    "  ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name"
    " WHERE k.constraint_schema = %s ORDER BY 1, 2, k.ordinal_position",
    "checks": "SELECT table_name, constraint_name, check_clause"
    " FROM information_schema.check_constraints WHERE constraint_schema = %s ORDER BY 1, 2",
}


def mysql_schema(db: ScratchDatabase) -> dict[str, list[tuple]]:
    engine = db.engine()
    try:
        with engine.connect() as conn:
            return {
                key: [tuple(r) for r in conn.exec_driver_sql(query, (db.name,)).all()]
                for key, query in _MYSQL_QUERIES.items()
            }
    finally:
        engine.dispose()


def schema(db: ScratchDatabase) -> object:
    """The database's schema in a comparable form: a pg_dump, sqlite_master, information_schema."""
    if db.dialect == "postgresql":
        return pg_dump(db.name)
    if db.dialect == "sqlite":
        return sqlite_schema(db)
    return mysql_schema(db)
