"""The static site's rewrite rules under real web servers: Debian's Apache 2.4 (with the
generated .htaccess) and nginx (with the generated snippets), each on 127.0.0.1 with a
private configuration, pid and log files in a temp folder, started and stopped here."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from server_support import free_port, nginx_head, require

BASE_PATH = "/pub/kg/"
APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
NGINX = Path("/usr/sbin/nginx")


@pytest.fixture(scope="module")
def www(store):
    """The site under BASE_PATH of a document root that the servers' workers may read
    (pytest's own temp folders are private to their owner)."""
    from seccoop.site import build_site

    root = Path(tempfile.mkdtemp(prefix="seccoop-www-"))
    try:
        site = root / "docroot" / BASE_PATH.strip("/")
        build_site(store, site, base_url="https://example.org/kg/", base_path=BASE_PATH)
        for path in [root, *root.rglob("*")]:  # whatever the umask
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _apache_conf(folder: Path, docroot: Path, port: int) -> str:
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in
                        ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers"))
    user = ""
    if os.geteuid() == 0:  # Apache refuses to serve as root; www-data is Debian's user
        name = "www-data" if _has_user("www-data") else "nobody"
        user = f"User {name}\nGroup #{pwd.getpwnam(name).pw_gid}"
    return f"""ServerRoot "{folder}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{folder}/httpd.pid"
ErrorLog "{folder}/error.log"
DefaultRuntimeDir "{folder}"
Mutex file:{folder} default
{modules}
{user}
TypesConfig /etc/mime.types
DocumentRoot "{docroot}"
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "{docroot}">
  Options FollowSymLinks
  AllowOverride FileInfo
  Require all granted
</Directory>
"""


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _nginx_conf(folder: Path, docroot: Path, port: int) -> str:
    site = docroot / BASE_PATH.strip("/")
    return nginx_head(folder, 64) + f"""    include {site}/nginx-map.conf;
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        include {site}/nginx.conf;
    }}
}}
"""


@pytest.fixture(scope="module", params=["apache", "nginx"])
def served(request, www):
    """The site under Apache or nginx: yields the site's URL."""
    kind = request.param
    binary = APACHE if kind == "apache" else NGINX
    require(binary.exists(), str(binary), "apt-get install " + ("apache2" if kind == "apache" else "nginx"))
    folder, port, docroot = www / kind, free_port(), www / "docroot"
    folder.mkdir()
    conf = folder / "server.conf"
    if kind == "apache":
        conf.write_text(_apache_conf(folder, docroot, port))
        command = [str(APACHE), "-f", str(conf), "-d", str(folder), "-DFOREGROUND"]
    else:
        conf.write_text(_nginx_conf(folder, docroot, port))
        command = [str(NGINX), "-p", str(folder), "-c", str(conf)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(proc, port, folder / "error.log")
        yield f"http://127.0.0.1:{port}{BASE_PATH}"
    finally:
        _stop(proc)


def test_turtle_asked_on_an_extensionless_iri_ends_at_the_turtle_document(served, www):
    url = served + "id/china"
    first = httpx.get(url, headers={"Accept": "text/turtle"})
    assert first.status_code == 303
    assert first.headers["location"] in (url + ".ttl", BASE_PATH + "id/china.ttl")
    assert first.headers["vary"] == "Accept"
    assert first.headers["access-control-allow-origin"] == "*"
    final = httpx.get(url, headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert final.status_code == 200 and str(final.url) == url + ".ttl"
    assert final.headers["content-type"].split(";")[0] == "text/turtle"
    assert "Accept" in final.headers["vary"]
    site_file = www / "docroot" / BASE_PATH.strip("/") / "id" / "china.ttl"
    assert final.content == site_file.read_bytes()
    triples = list(ox.parse(final.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == "https://w3id.org/seccoop/id/china" for t in triples)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path,accept,target", [
    ("id/china", BROWSER, "id/china.html"),
    ("id/china", "*/*", "id/china.html"),
    ("id/china", "application/ld+json", "id/china.jsonld"),
    ("id/china", "application/n-quads", "id/china.nq"),
    ("id/china", "application/rdf+xml;q=0.9, text/turtle;q=0.5", "id/china.rdf"),
    ("id/china", "text/html, text/turtle;q=0.5", "id/china.html"),
    ("id/china", "text/turtle;q=0, text/html;q=0.1", "id/china.html"),
    ("id/china", 'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
     "id/china.jsonld"),
    ("ontology", "text/turtle", "ontology.ttl"),
    ("ontology", BROWSER, "ontology.html"),
    ("ontology/0.1.0", "application/rdf+xml", "ontology/0.1.0.rdf"),
    ("ontology/0.1.0", BROWSER, "ontology/0.1.0.html"),
    ("void", "application/n-triples", "void.nt"),
    ("void", BROWSER, "void.html"),
])
def test_negotiation_respects_q_values(served, path, accept, target):
    r = httpx.get(served + path, headers={"Accept": accept})
    assert r.status_code == 303 and r.headers["vary"] == "Accept"
    assert r.headers["location"].endswith(BASE_PATH + target), r.headers["location"]
    assert httpx.get(served + target).status_code == 200


@pytest.mark.parametrize("name,media", [("id/china.jsonld", "application/ld+json"),
                                        ("id/china.nq", "application/n-quads"),
                                        ("id/china.html", "text/html"),
                                        ("void.trig", "application/trig")])
def test_files_are_served_as_they_are_with_their_media_types(served, name, media):
    r = httpx.get(served + name, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
