"""factory_boy with the session captured at import: its commits escape any test transaction."""

import factory
from classy import Post, db


class PostFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = Post
        sqlalchemy_session = db.session
        sqlalchemy_session_persistence = "commit"

    title = factory.Sequence(lambda n: f"post {n}")
