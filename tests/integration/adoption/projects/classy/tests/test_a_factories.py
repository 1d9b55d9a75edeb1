from factories import PostFactory


def test_a_factory_commits_for_real(app):
    PostFactory()
