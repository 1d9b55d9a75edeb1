"""kiln.conf: settings PostgreSQL reads back exactly, whatever the project's path holds."""

from __future__ import annotations

from pathlib import Path

from kiln.postgres.conf import quote, render


def test_quote_escapes_backslashes_and_quotes():
    assert quote("") == "''"
    assert quote("it's") == "'it''s'"
    assert quote("a\\b") == "'a\\\\b'"


def test_render_keeps_a_path_with_commas_quotes_and_spaces_one_list_item():
    text = render(Path('/tmp/it\'s a, "b" dir/run'))

    assert 'unix_socket_directories = \'"/tmp/it\'\'s a, ""b"" dir/run"\'' in text
    assert "listen_addresses = ''" in text
    assert "unix_socket_permissions = 0700" in text
    assert "synchronous_commit = off" in text
    assert "fsync" not in text  # left on: dev data must survive a crash
