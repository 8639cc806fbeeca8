"""The connection form's extra fields as WTForms widgets, for Airflow versions before 3.2.

Airflow 3.2 and later build the form from `conn-fields` in provider info and never call this.
The imports are local: WTForms and Flask-AppBuilder exist only where the old web server does.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_minimax.get_provider_info import CONN_FIELDS


def connection_form_widgets() -> dict[str, Any]:
    try:
        from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import IntegerField, PasswordField, StringField
        from wtforms.validators import Optional
    except ImportError:  # no Flask UI in this Airflow: the extra is edited as JSON
        return {}
    widgets: dict[str, Any] = {}
    for name, spec in CONN_FIELDS.items():
        schema = spec["schema"]
        label = lazy_gettext(spec["label"])
        if schema.get("format") == "password":
            widgets[name] = PasswordField(label, widget=BS3PasswordFieldWidget())
        elif "integer" in schema["type"]:
            widgets[name] = IntegerField(
                label, validators=[Optional()], widget=BS3TextFieldWidget()
            )
        else:
            widgets[name] = StringField(label, widget=BS3TextFieldWidget())
    return widgets
