"""Add embedding column to documents

Revision ID: 003
Revises: 002
"""
from alembic import op
import sqlalchemy as sa
from pgvector.sqlalchemy import Vector

revision: str = '003'
down_revision: str = '002'


def upgrade() -> None:
    # Ensure pgvector extension exists
    op.execute('CREATE EXTENSION IF NOT EXISTS vector')

    # Add vector column
    op.add_column(
        'documents',
        sa.Column('embedding', Vector(1536), nullable=True)
    )

    # Create HNSW index for fast similarity search
    op.execute('''
        CREATE INDEX documents_embedding_idx
        ON documents
        USING hnsw (embedding vector_cosine_ops)
        WITH (m = 16, ef_construction = 64)
    ''')


def downgrade() -> None:
    op.drop_index('documents_embedding_idx')
    op.drop_column('documents', 'embedding')
