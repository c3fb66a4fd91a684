"""
Render the nginx configuration in deploy/nginx/ into a folder, for production or for a local run.

The templates' placeholders are @{NAME}; nginx's own $variables are left alone. Production:

    python deploy/nginxconf.py production --output /etc/nginx/residency \\
        --server-name residency.example.org \\
        --certificate /etc/letsencrypt/live/residency.example.org/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/residency.example.org/privkey.pem \\
        --static-root /srv/residency/staticfiles --media-root /srv/residency/media \\
        --upstream unix:/run/residency/gunicorn.sock

then link /etc/nginx/residency/production.conf into /etc/nginx/sites-enabled/ and run `nginx -t`.
deploy/stack.py renders the local variant for `make serve`, the tests and `make bench`.
"""

import argparse
import getpass
import os
import string
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
SHARED = ["residency.conf", "locations.conf"]
# Debian's dynamic modules the configuration uses, each in a file of its own that is left out (a
# comment in its place) where the module is not installed: `make serve` and the tests run without
# them, saying so; production installs them (README: Deploying).
MODULE_DIR = Path("/usr/lib/nginx/modules")
MODULES = {
    "brotli.conf": ("ngx_http_brotli_static_module.so", "libnginx-mod-http-brotli-static"),
    "purge.conf": ("ngx_http_cache_purge_module.so", "libnginx-mod-http-cache-purge"),
}
# Mozilla's HSTS, with what Django sends (SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_PRELOAD on).
HSTS = "max-age=63072000; includeSubDomains; preload"
# Where production's purge listener is, for the site's NGINX_PURGE_URLS (README: Deploying).
PURGE_LISTEN = "127.0.0.1:8081"
# Where production's site stores uploaded photos (its MEDIA_ROOT), which nginx serves under /media/photos/.
MEDIA_ROOT = "/srv/residency/media"


class NginxTemplate(string.Template):
    delimiter = "@"
    idpattern = r"[A-Z_]+"


def installed_modules():
    """The optional parts (MODULES) whose module Debian's nginx has installed."""
    return {part for part, (module, _) in MODULES.items() if (MODULE_DIR / module).exists()}


def allow_lines(addresses):
    """nginx `allow` lines, one per address or network, for the purge listener."""
    return "\n".join(f"    allow {address};" for address in addresses)


def render(output, site, values, parts=None):
    """
    Write the shared files, the optional parts (all of MODULES, or those in `parts`) and `site`
    (production.conf or local.conf), filled in, into `output`; return its path.
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    values = {"CONF_DIR": str(output), **values}
    parts = set(MODULES) if parts is None else parts
    for name in [*SHARED, *MODULES, site]:
        if name in MODULES and name not in parts:
            text = f"# Left out: nginx's {MODULES[name][0]} is not installed (Debian: {MODULES[name][1]}).\n"
        else:
            text = NginxTemplate((TEMPLATES / name).read_text()).substitute(values)
        (output / name).write_text(text)
    return output / site


def render_local(
    output,
    run_dir,
    *,
    listen,
    upstream,
    static_root,
    purge_listen,
    media_root=None,
    extra="",
    access_log=None,
    error_log=None,
    parts=None,
):
    """
    The foreground configuration: nginx.conf and local.conf, every file nginx writes under `run_dir`,
    with the installed optional modules (or those of `parts`) loaded.
    """
    run_dir = Path(run_dir)
    parts = installed_modules() if parts is None else parts
    values = {
        "CONF_DIR": str(output),
        "RUN_DIR": str(run_dir),
        "CACHE_DIR": str(run_dir / "cache"),
        "ERROR_LOG": error_log or str(run_dir / "nginx-error.log"),
        "ACCESS_LOG": access_log or str(run_dir / "nginx-access.log"),
        "LISTEN": listen,
        "UPSTREAM": upstream,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root or run_dir / "media"),
        "PURGE_LISTEN": purge_listen,
        "PURGE_ALLOW": allow_lines(["127.0.0.1"]),
        "EXTRA": extra,
        "SITE": "local.conf",
        # Run as root (a container, CI), nginx would switch its workers to "nobody", who cannot read these
        # folders; as anyone else the directive is not allowed, so it is only written for root.
        "USER_DIRECTIVE": f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
        "LOAD_MODULES": "\n".join(f"load_module {MODULE_DIR / MODULES[part][0]};" for part in sorted(parts)),
    }
    render(output, "local.conf", values, parts)
    main = Path(output) / "nginx.conf"
    main.write_text(NginxTemplate((TEMPLATES / "nginx.conf").read_text()).substitute(values))
    return main


def render_production(output, **values):
    """
    production.conf and the shared files, for Debian's nginx. By default OCSP responses are checked against the
    certificate's own chain, names are resolved by this machine's resolvers, and HSTS is Mozilla's two years.
    """
    values = {
        "TRUSTED_CERTIFICATE": values["CERTIFICATE"],
        "RESOLVER": " ".join(system_resolvers()),
        "HSTS": HSTS,
        "PURGE_LISTEN": PURGE_LISTEN,
        "PURGE_ALLOW": allow_lines(["127.0.0.1"]),
        "MEDIA_ROOT": MEDIA_ROOT,
        **values,
    }
    return render(output, "production.conf", values)


def system_resolvers(resolv_conf="/etc/resolv.conf"):
    """The name servers this machine uses (nginx needs addresses, IPv6 ones in brackets); loopback if none."""
    try:
        lines = Path(resolv_conf).read_text().splitlines()
    except OSError:
        lines = []
    found = [line.split()[1] for line in lines if line.split()[:1] == ["nameserver"] and len(line.split()) > 1]
    return [f"[{address}]" if ":" in address else address for address in found] or ["127.0.0.1"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["production"])
    parser.add_argument("--output", required=True, help="folder to write the files into (e.g. /etc/nginx/residency)")
    parser.add_argument("--server-name", required=True, help="the site's host names, space-separated")
    parser.add_argument("--certificate", required=True, help="TLS certificate chain (PEM)")
    parser.add_argument("--certificate-key", required=True, help="its private key (PEM)")
    parser.add_argument("--static-root", required=True, help="STATIC_ROOT, where collectstatic wrote the files")
    parser.add_argument(
        "--media-root",
        default=MEDIA_ROOT,
        help=f"MEDIA_ROOT, where the site stores uploaded photos (default: {MEDIA_ROOT})",
    )
    parser.add_argument("--upstream", default="unix:/run/residency/gunicorn.sock", help="gunicorn's address")
    parser.add_argument("--cache-dir", default="/var/cache/nginx/residency", help="the microcache's folder")
    parser.add_argument("--access-log", default="/var/log/nginx/residency.access.log")
    parser.add_argument("--http-port", default="80")
    parser.add_argument("--https-port", default="443")
    parser.add_argument(
        "--purge-listen",
        default=PURGE_LISTEN,
        help="address of the purge listener the site's NGINX_PURGE_URLS name (e.g. 10.0.0.5:8081 for app servers "
        "on other machines)",
    )
    parser.add_argument(
        "--purge-allow",
        default="127.0.0.1",
        help="addresses or networks of the site's server processes, allowed to purge (comma-separated)",
    )
    parser.add_argument(
        "--trusted-certificate",
        help="the issuer's chain (PEM) to check stapled OCSP answers with, e.g. Let's Encrypt's chain.pem "
        "(default: --certificate, whose full chain holds the issuer)",
    )
    parser.add_argument(
        "--resolver",
        help="DNS servers nginx asks for the OCSP responder, space-separated (default: /etc/resolv.conf's)",
    )
    parser.add_argument("--hsts", default=HSTS, help=f"the Strict-Transport-Security header (default: {HSTS})")
    args = parser.parse_args(argv)
    path = render_production(
        args.output,
        TRUSTED_CERTIFICATE=args.trusted_certificate or args.certificate,
        RESOLVER=args.resolver or " ".join(system_resolvers()),
        HSTS=args.hsts,
        SERVER_NAME=args.server_name,
        CERTIFICATE=args.certificate,
        CERTIFICATE_KEY=args.certificate_key,
        STATIC_ROOT=args.static_root.rstrip("/"),
        MEDIA_ROOT=args.media_root.rstrip("/"),
        UPSTREAM=args.upstream,
        CACHE_DIR=args.cache_dir,
        ACCESS_LOG=args.access_log,
        HTTP_PORT=args.http_port,
        HTTPS_PORT=args.https_port,
        PURGE_LISTEN=args.purge_listen,
        PURGE_ALLOW=allow_lines(address.strip() for address in args.purge_allow.split(",") if address.strip()),
    )
    print(f"wrote {path}; link it into /etc/nginx/sites-enabled/ and run `nginx -t`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
