"""Schema building blocks every app's API shares."""

from uuid import UUID

from ninja import Field, Schema


class PublicOut(Schema):
    """A record as the API names it: by its public UUID, never by the database's integer key."""

    id: UUID = Field(description="The record's public id.")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id
