"""Who may pass through a folder, read from mode bits as the kernel would for another user."""

from __future__ import annotations

import os
import pwd
import stat

import pytest

from kiln.errors import UsageError
from kiln.postgres.users import ServerUser, _may_search, server_user

ALICE = ServerUser("alice", 1001, 1001, (1001, 2000))
ROOT_NEEDED = pytest.mark.skipif(os.geteuid() != 0, reason="choosing another user needs root")


def folder(mode: int, uid: int = 0, gid: int = 0) -> os.stat_result:
    return os.stat_result((stat.S_IFDIR | mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("info", "allowed"),
    [
        (folder(0o755), True),
        (folder(0o750), False),  # root's group only
        (folder(0o750, gid=2000), True),  # one of alice's groups
        (folder(0o700, uid=1001), True),  # hers
        (folder(0o077, uid=1001), False),  # hers, but the owner bits rule
        (folder(0o701), True),  # search without read is enough
        (folder(0o1777), True),  # /tmp
    ],
)
def test_search_permission_follows_owner_then_group_then_others(info, allowed):
    assert _may_search(info, ALICE) is allowed


@ROOT_NEEDED
def test_root_runs_the_server_as_postgres_by_default():
    assert server_user({}).name == "postgres"


@ROOT_NEEDED
def test_root_keeps_the_owner_of_an_existing_cluster():
    nobody = pwd.getpwnam("nobody")
    assert server_user({}, cluster_owner=nobody.pw_uid).name == "nobody"


@ROOT_NEEDED
@pytest.mark.parametrize("name", ["root", "no-such-user-for-kiln"])
def test_kiln_pg_user_must_be_an_existing_non_root_user(name):
    with pytest.raises(UsageError) as caught:
        server_user({"KILN_PG_USER": name})
    assert caught.value.problems[0].where == "environment variable KILN_PG_USER"


def test_the_chosen_user_gets_only_its_own_groups():
    user = server_user({})
    assert user.popen_args() == (
        {}
        if user.is_current
        else {"user": user.uid, "group": user.gid, "extra_groups": list(user.groups)}
    )
