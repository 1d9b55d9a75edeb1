"""Flask-Admin at ``/admin``: browse and edit users and todos while developing.

Development only. It has no login of its own, so only ``DevelopmentConfig`` turns it on
(``ADMIN_VIEW``), and Flask-Admin comes with the dev extra: the production image does not even
install it. app.py imports this module only to mount it.
"""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView

from .extensions import db
from .models import Todo, User
from .security_headers import csp_nonce


class UserView(ModelView):
    # A password hash is neither shown nor edited: accounts get passwords through the API.
    column_exclude_list = ("password_hash",)
    form_excluded_columns = ("password_hash", "todos")
    column_searchable_list = ("username", "email")
    column_filters = ("active", "is_admin")


class TodoView(ModelView):
    column_list = ("id", "title", "done", "owner", "created_date")
    column_searchable_list = ("title",)
    column_filters = ("done",)


def mount_admin(app: Flask) -> None:
    # Its inline scripts carry the nonce the Content-Security-Policy lets run.
    admin = Admin(app, name=f"{app.config['API_TITLE']} admin", csp_nonce_generator=csp_nonce)
    admin.add_view(UserView(User, db))
    admin.add_view(TodoView(Todo, db))
