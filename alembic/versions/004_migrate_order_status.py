"""Migrate legacy status to new format

Revision ID: 004
Revises: 003
"""
from alembic import op
import sqlalchemy as sa

revision: str = '004'
down_revision: str = '003'


def upgrade() -> None:
    # Add new column
    op.add_column('orders', sa.Column('status_v2', sa.String(50), nullable=True))

    # Migrate data
    op.execute("""
        UPDATE orders SET status_v2 = CASE
            WHEN status = 0 THEN 'pending'
            WHEN status = 1 THEN 'processing'
            WHEN status = 2 THEN 'completed'
            WHEN status = 3 THEN 'cancelled'
            ELSE 'unknown'
        END
    """)

    # Make new column non-nullable
    op.alter_column('orders', 'status_v2', nullable=False)

    # Drop old column
    op.drop_column('orders', 'status')

    # Rename new column
    op.alter_column('orders', 'status_v2', new_column_name='status')


def downgrade() -> None:
    # Reverse the process
    op.alter_column('orders', 'status', new_column_name='status_v2')
    op.add_column('orders', sa.Column('status', sa.Integer(), nullable=True))
    op.execute("""
        UPDATE orders SET status = CASE
            WHEN status_v2 = 'pending' THEN 0
            WHEN status_v2 = 'processing' THEN 1
            WHEN status_v2 = 'completed' THEN 2
            WHEN status_v2 = 'cancelled' THEN 3
            ELSE 0
        END
    """)
    op.alter_column('orders', 'status', nullable=False)
    op.drop_column('orders', 'status_v2')
