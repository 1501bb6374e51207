"""GET /api/docs: a human page generated from the OpenAPI document (no CDN, no JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string

bp = Blueprint("docs_page", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ spec.info.title }} {{ spec.info.version }}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}
code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}
.op{border-top:1px solid #ccc;padding:.5rem 0}.m{font-weight:bold;text-transform:uppercase}
</style></head><body>
<h1>{{ spec.info.title }} <small>v{{ spec.info.version }}</small></h1>
<p>Send an API key with every request: <code>Authorization: Bearer KEY</code>
(create one with <code>grader keys create --name NAME</code>). Errors are
<code>application/problem+json</code>. The machine-readable description is
<a href="{{ url_for('api-docs.openapi_json') }}">/openapi.json</a>.</p>
<nav><ul>{% for path, ops in spec.paths.items() %}{% for method, op in ops.items()
  if method in methods %}<li><a href="#{{ op.operationId or (method ~ path) }}">
  <span class="m">{{ method }}</span> {{ path }}</a> — {{ op.summary }}</li>
{% endfor %}{% endfor %}</ul></nav>
{% for path, ops in spec.paths.items() %}{% for method, op in ops.items() if method in methods %}
<section class="op" id="{{ op.operationId or (method ~ path) }}">
<h2><span class="m">{{ method }}</span> <code>{{ path }}</code></h2>
<p>{{ op.summary }}</p>{% if op.description %}<p>{{ op.description }}</p>{% endif %}
{% set params = (ops.parameters or []) + (op.parameters or []) %}
{% if params %}<h3>Parameters</h3><ul>{% for p in params %}
<li><code>{{ p.name }}</code> ({{ p.in }}{% if p.required %}, required{% endif %})
{{ p.description or '' }}</li>{% endfor %}</ul>{% endif %}
{% if op.requestBody %}<h3>Request body</h3><ul>
{% for ct, media in op.requestBody.content.items() %}
<li><code>{{ ct }}</code>{% if media.schema and media.schema['$ref'] %}:
<a href="#{{ media.schema['$ref'].split('/')[-1] }}">{{ media.schema['$ref'].split('/')[-1] }}</a>
{% endif %}</li>{% endfor %}</ul>{% endif %}
<h3>Responses</h3><ul>{% for code, resp in op.responses.items() %}
<li><code>{{ code }}</code> {{ resp.description or resp.get('$ref', '').split('/')[-1] }}</li>
{% endfor %}</ul></section>{% endfor %}{% endfor %}
<h2>Schemas</h2>
{% for name, schema in spec.components.schemas.items() %}
<section id="{{ name }}"><h3>{{ name }}</h3>{% if schema.description %}
<p>{{ schema.description }}</p>{% endif %}<ul>
{% for field, prop in (schema.properties or {}).items() %}<li><code>{{ field }}</code>
{{ prop.type or (prop['$ref'] or '').split('/')[-1] or '' }}{% if field in (schema.required or [])
%} (required){% endif %}{% if prop.description %} — {{ prop.description }}{% endif %}</li>
{% endfor %}</ul></section>{% endfor %}
</body></html>"""

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/api/docs")
def docs_page():
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return render_template_string(PAGE, spec=spec, methods=METHODS)
