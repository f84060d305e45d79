"""Add avatar_url to users

Revision ID: 002
Revises: 001
"""
from alembic import op
import sqlalchemy as sa

revision: str = '002'
down_revision: str = '001'


def upgrade() -> None:
    op.add_column('users', sa.Column('avatar_url', sa.String(500), nullable=True))


def downgrade() -> None:
    op.drop_column('users', 'avatar_url')
