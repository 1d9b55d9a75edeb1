"""Where a project's server files and socket go, decided without touching the disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiln.postgres import layout
from kiln.postgres.layout import MAX_SOCKET_PATH, SOCKET_NAME, digest, plan, socket_usable
from kiln.postgres.users import ServerUser

ME = ServerUser("me", os.geteuid(), os.getegid(), tuple(os.getgroups()))
STRANGER = ServerUser("stranger", 54321, 54321, (54321,))


def test_socket_usable_up_to_the_kernel_limit():
    room = MAX_SOCKET_PATH - len(f"/{SOCKET_NAME}")
    assert socket_usable(Path("/" + "a" * (room - 1)))
    assert not socket_usable(Path("/" + "a" * room))


def test_a_short_project_keeps_everything_in_dot_kiln(tmp_path):
    planned = plan(tmp_path / ".kiln", "shop", ME)

    assert planned.server_dir == tmp_path / ".kiln" / "server"
    assert planned.data_dir == tmp_path / ".kiln" / "server" / "data"
    assert planned.socket_dir == tmp_path / ".kiln" / "server" / "run"
    assert not planned.is_linked


def test_a_deep_project_gets_a_short_private_socket_folder(tmp_path):
    deep = tmp_path.joinpath(*["deeply-nested-folder"] * 5) / ".kiln"

    planned = plan(deep, "shop", ME)

    assert planned.data_dir == deep / "server" / "data"
    assert planned.socket_dir == Path(f"/tmp/kiln-{digest(deep)}")
    assert socket_usable(planned.socket_dir)


def test_digest_is_12_hex_digits_and_differs_per_project(tmp_path):
    first, second = digest(tmp_path / "a" / ".kiln"), digest(tmp_path / "b" / ".kiln")

    assert len(first) == 12
    int(first, 16)
    assert first != second
    assert first == digest(tmp_path / "a" / ".kiln")


def test_a_user_who_cannot_reach_the_project_gets_a_shared_folder(tmp_path):
    tmp_path.chmod(0o700)

    planned = plan(tmp_path / ".kiln", "My Shop!", STRANGER)

    name = f"my-shop-{digest(tmp_path / '.kiln')}"
    assert planned.server_dir == layout.SHARED_ROOT / name
    assert planned.link == tmp_path / ".kiln" / "server"
    assert planned.is_linked


def test_an_existing_link_says_where_the_data_is(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".kiln").mkdir()
    (tmp_path / ".kiln" / "server").symlink_to(elsewhere)

    planned = plan(tmp_path / ".kiln", "shop", ME)

    assert planned.server_dir == elsewhere
    assert planned.data_dir == elsewhere / "data"


@pytest.mark.parametrize("existing", [False, True])
def test_state_dir_gets_a_gitignore_for_everything(tmp_path, existing):
    state = tmp_path / ".kiln"
    if existing:
        state.mkdir()

    layout.ensure_state_dir(state)

    assert (state / ".gitignore").read_text() == "*\n"
