"""Deployment files are checked against their schemas (no containers run here).

docker-compose.yml: the Compose Specification schema (deploy/schemas/compose-spec.json, as vendored
by check-jsonschema). Kubernetes manifests: the Kubernetes 1.33 "strict" JSON schemas bundled in the
`kubernetes-validate` package (read as data: its Python API needs a newer jsonschema than Rasa 3.6).
Also: endpoints.scaled.yml names every setting deploy.settings knows, and nginx's generated config is
accepted by `nginx -t`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from deploy import nginx, settings
from tests.stack import ROOT

K8S_VERSION = "v1.33.0-local-strict"


def _k8s_schema_dir() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("kubernetes-validate (requirements.txt) is needed for the manifest schemas: run scripts/test.sh")
    return Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema" / K8S_VERSION


def _k8s_validator(kind: str, api_version: str) -> jsonschema.Draft7Validator:
    group, _, version = api_version.rpartition("/")
    name = f"{kind.lower()}-{group.split('.')[0] + '-' if group else ''}{version}.json"
    directory = _k8s_schema_dir()
    schema = json.loads((directory / name).read_text())
    definitions = json.loads((directory / "_definitions.json").read_text())
    resolver = jsonschema.RefResolver(
        base_uri=f"{directory.as_uri()}/{name}",
        referrer=schema,
        store={f"{directory.as_uri()}/_definitions.json": definitions},
    )
    return jsonschema.Draft7Validator(schema, resolver=resolver)


def test_compose_file_matches_the_compose_specification() -> None:
    schema = json.loads((ROOT / "deploy" / "schemas" / "compose-spec.json").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(compose), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert {"postgres", "redis", "rabbitmq", "actions", "rasa-1", "rasa-2", "nginx"} <= set(compose["services"])
    assert "endpoints.scaled.yml" in compose["services"]["rasa-1"]["command"]
    # a broken file is caught: the schema is really applied
    broken = {**compose, "services": {"rasa": {"image": 5, "ports": "5005"}}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken))


def test_kubernetes_manifests_match_the_kubernetes_schemas() -> None:
    documents = [
        d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes" / "virtual-official.yaml").read_text()) if d
    ]
    kinds = []
    for document in documents:
        validator = _k8s_validator(document["kind"], document["apiVersion"])
        errors = [f"{document['kind']} {list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
        assert not errors, errors
        kinds.append(document["kind"])
    assert sorted(kinds) == ["ConfigMap", "CronJob", "Deployment", "Deployment", "Ingress", "Job", "Service", "Service"]
    rasa = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "vo-rasa")
    assert rasa["spec"]["replicas"] >= 2
    broken = {**rasa, "spec": {**rasa["spec"], "replicas": "two"}}
    assert list(_k8s_validator("Deployment", "apps/v1").iter_errors(broken))


def test_scaled_endpoints_use_only_settings_the_profile_checks() -> None:
    endpoints = (ROOT / "endpoints.scaled.yml").read_text()
    used = set(re.findall(r"\$\{(\w+)\}", endpoints))
    known = set(settings.DEFAULTS) | set(settings.SECRETS) | {"VO_ACTION_ENDPOINT_URL"}
    assert used and used <= known, used - known
    parsed = yaml.safe_load(endpoints)
    assert parsed["tracker_store"]["type"] == "stores.tracker.OfficeTrackerStore"
    assert (
        parsed["lock_store"]["type"] == "stores.lock.AtomicRedisLockStore" and parsed["event_broker"]["type"] == "pika"
    )


def test_missing_secrets_stop_the_scaled_profile_with_their_names() -> None:
    with pytest.raises(settings.MissingSettings) as stopped:
        settings.load({"VO_PG_PASSWORD": ""})
    message = str(stopped.value.code)
    for name in ("VO_RABBITMQ_PASSWORD", "VO_TRACKER_KEY", "RASA_API_TOKEN", "VO_REDIS_PASSWORD"):
        assert name in message
    assert "VO_PG_PASSWORD:" not in message  # set (empty) is set
    loaded = settings.load({name: "s3cret" for name in settings.SECRETS})
    assert loaded.app_database_url == "postgresql://postgres:s3cret@localhost:5432/vo_app"


def test_generated_nginx_config_is_accepted_by_nginx(tmp_path: Path) -> None:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is needed (Debian package `nginx`; PROFILE=scaled scripts/run.sh installs it)")
    config = nginx.write("127.0.0.1:18080", ["127.0.0.1:5101", "127.0.0.1:5102"], tmp_path)
    text = config.read_text()
    assert "ip_hash;" in text and text.count("server 127.0.0.1:510") == 4
    checked = subprocess.run([binary, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
