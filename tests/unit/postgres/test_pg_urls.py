"""URLs kiln hands out and reads: quoting, database swapping, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import UsageError
from kiln.masking import mask_url
from kiln.postgres.urls import check_url, database_of, describe, socket_url, with_database


def test_socket_url_quotes_the_folder_and_names_the_superuser():
    url = socket_url(Path("/home/me/my shop/.kiln/server/run"), "shop_development")

    assert url == (
        "postgresql://postgres@/shop_development?host=/home/me/my%20shop/.kiln/server/run"
    )
    assert database_of(url) == "shop_development"


def test_with_database_keeps_server_and_options_and_drops_the_driver():
    url = "postgresql+psycopg://shop:s3cret@db.example.com:6543/shop?sslmode=require"

    assert with_database(url, "postgres") == (
        "postgresql://shop:s3cret@db.example.com:6543/postgres?sslmode=require"
    )


def test_mask_url_hides_only_the_password():
    masked = "postgres://shop:********@db:5432/shop"
    assert mask_url("postgres://shop:p@ss:word@db:5432/shop") == masked
    assert mask_url("postgresql://shop@db/shop") == "postgresql://shop@db/shop"


def test_describe_names_host_port_and_database():
    assert describe("postgresql://u:p@db.example.com:6543/shop") == (
        "db.example.com:6543, database shop"
    )
    assert describe("postgresql://postgres@/shop?host=/run/x") == "/run/x, database shop"


@pytest.mark.parametrize(
    "url", ["postgres://db/x", "postgresql://db/x", "postgresql+psycopg://db/x"]
)
def test_check_url_accepts_postgres_schemes(url):
    assert check_url(url, where="DATABASE_URL") == url


def test_check_url_rejects_others_without_showing_the_password():
    with pytest.raises(UsageError) as caught:
        check_url("mysql://root:hunter2@db/shop", where="DATABASE_URL")

    problem = caught.value.problems[0]
    assert problem.where == "DATABASE_URL"
    assert "hunter2" not in problem.render()
