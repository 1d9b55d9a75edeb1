from classy import Post


def test_posting_with_the_projects_client(client, db):
    assert client.post("/posts", json={"title": "hello"}).status_code == 201
    assert client.get("/posts").get_json() == ["hello"]


def test_each_test_starts_empty(client, db):
    assert client.get("/posts").get_json() == []


def test_kiln_fixtures_stay_available(kiln_app, kiln_db, kiln_client):
    kiln_db.session.add(Post(title="from kiln_db"))
    assert kiln_client.get("/posts").get_json() == ["from kiln_db"]
    assert kiln_app.config["TESTING"] is True
