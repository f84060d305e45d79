<%!
import re
%><%
    # the names listed in the `databases` key of the [alembic] section
    db_names = [n for n in re.split(r"[,\s]+", config.get_main_option("databases", "")) if n]
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# Identifiers alembic uses to place this file in the revision graph.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade(engine_name: str) -> None:
    """Apply this revision to the database `engine_name`."""
    globals()["upgrade_%s" % engine_name]()


def downgrade(engine_name: str) -> None:
    """Revert this revision on the database `engine_name`."""
    globals()["downgrade_%s" % engine_name]()
## one upgrade_<name>() / downgrade_<name>() pair per name in `databases`
% for db_name in db_names:


def upgrade_${db_name}() -> None:
    """Apply this revision to ${db_name}."""
    ${context.get("%s_upgrades" % db_name, "pass")}


def downgrade_${db_name}() -> None:
    """Revert this revision on ${db_name}."""
    ${context.get("%s_downgrades" % db_name, "pass")}
% endfor
