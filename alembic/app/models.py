"""SQLModel tables of the sample app, as they stand after revision 004.

Keep these in step with alembic/versions/: `alembic check` compares them with
a database migrated to head and must find nothing to change.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlmodel import Field, SQLModel

__all__ = ["Document", "Order", "User"]


def _timestamp() -> Any:
    """A `timestamptz` column the database fills in with now()."""
    return sa.Column(sa.DateTime(timezone=True), server_default=sa.text("now()"))


class User(SQLModel, table=True):
    """001 creates it; 002 adds avatar_url."""

    __tablename__ = "users"
    __table_args__ = (sa.Index("ix_users_email", "email", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=_timestamp())
    updated_at: datetime | None = Field(default=None, sa_column=_timestamp())
    avatar_url: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))


class Document(SQLModel, table=True):
    """001 creates it; 003 adds the pgvector embedding and its HNSW index."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.Index(
            "documents_embedding_idx",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    body: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    embedding: list[float] | None = Field(default=None, sa_column=sa.Column(Vector(1536)))


class Order(SQLModel, table=True):
    """001 creates it with an integer status; 004 turns status into text."""

    __tablename__ = "orders"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("users.id"), nullable=False)
    )
    # 'pending' | 'processing' | 'completed' | 'cancelled' | 'unknown'
    status: str = Field(sa_column=sa.Column(sa.String(50), nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=_timestamp())
