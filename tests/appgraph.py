"""
Which app uses which, derived from their code and templates (for tests/test_registry.py).

An app uses another when its Python imports it, names one of its models (`get_model("programs",
"Program")`, a lazy reference such as "programs.Track"), reverses one of its URLs ("sites:practice_list",
"admin:applications_applicationcycle_change") or follows a relation that the other app's model adds to
one of its own ("track.applications"); or when its templates name the other's URLs (`{% url %}`) or
permissions (`perms.applications.…`), follow such a relation, or include or extend its templates.

A template belongs to the app whose folder holds it (`templates/<app>/…`, `templates/admin/<app>/…`, the
app's own `templates/`); the project's other templates belong to the core. The project's configuration
(its settings and root URLconf, which list and mount the apps) is no part of the core.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

URL_TAG = re.compile(r"""{%\s*url\s+["']([^"']+)["']""")
TEMPLATE_TAG = re.compile(r"""{%\s*(include|extends)\s+["']([^"']+)["']""")
PERMISSION = re.compile(r"\bperms\.(\w+)\.")
TEMPLATE_CODE = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
MODEL_REFERENCE = re.compile(r"(\w+)\.(\w+)")
URL_NAME = re.compile(r"(\w+):[\w-]+")
LOOKUP = re.compile(r"[a-z_]\w*(?:__\w+)*")


@dataclass(frozen=True)
class App:
    """
    An app as the derivation sees it: its label (also its package's and its URL namespace's name), its
    folder, its models' names in lower case, and the names of the reverse relations its models add to
    other apps' models (as attributes and in lookups: "practices", from sites' Practice.tracks).
    """

    label: str
    path: Path
    models: frozenset = frozenset()
    relations: frozenset = frozenset()


@dataclass(frozen=True)
class Use:
    """One app using another: what it names, how, and where (a path from the project's root and a line)."""

    source: str
    target: str
    how: str
    what: str
    where: str

    def __str__(self):
        return f"{self.source} → {self.target}: {self.how} {self.what} ({self.where})"


class Project:
    """
    A project under `root`: its `apps`, the core among them (`core`, its label), and the files of the
    configuration (`configuration`, paths from `root`), which name the apps by design.
    """

    def __init__(self, root, apps, core, configuration=()):
        self.root = Path(root)
        self.apps = {app.label: app for app in apps}
        self.core = core
        self.configuration = {self.root / path for path in configuration}
        self.templates = self.root / "templates"

    def uses(self):
        """Every use of one app by another: the apps' Python files, then the templates."""
        found = []
        for app in self.apps.values():
            for path in sorted(app.path.rglob("*.py")):
                if "migrations" not in path.relative_to(app.path).parts and path not in self.configuration:
                    found += self._python_uses(app.label, path)
        for folder in (self.templates, *(app.path / "templates" for app in self.apps.values())):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix in (".html", ".txt"):
                    found += self._template_uses(self._template_owner(path), path)
        return [use for use in found if use.source != use.target]

    # Python

    def _python_uses(self, source, path):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield from self._use(source, alias.name.split(".")[0], "imports", alias.name, path, line)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield from self._use(source, node.module.split(".")[0], "imports", node.module, path, line)
            elif isinstance(node, ast.Call) and self._called(node) == "get_model" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    label = first.value.split(".")[0]
                    yield from self._use(source, label, "gets the model of", first.value, path, line)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield from self._string_uses(source, node.value, path, line)
            elif isinstance(node, ast.Attribute):
                yield from self._relation_uses(source, [node.attr], node.attr, path, line)
            elif isinstance(node, ast.keyword) and node.arg:
                yield from self._relation_uses(source, node.arg.split("__"), node.arg, path, line)

    @staticmethod
    def _called(call):
        return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)

    def _string_uses(self, source, text, path, line):
        if match := MODEL_REFERENCE.fullmatch(text):
            label, model = match.groups()
            if label in self.apps and model.lower() in self.apps[label].models:
                yield from self._use(source, label, "names the model", text, path, line)
        elif URL_NAME.fullmatch(text):
            yield from self._url_uses(source, text, "reverses the URL", path, line)
        elif LOOKUP.fullmatch(text):
            yield from self._relation_uses(source, text.split("__"), text, path, line)

    def _relation_uses(self, source, names, what, path, line):
        for app in self.apps.values():
            if app.relations.intersection(names):
                yield from self._use(source, app.label, "follows the relation", what, path, line)

    def _url_uses(self, source, name, how, path, line):
        namespace, _, rest = name.partition(":")
        if namespace == "admin":
            for app in self.apps.values():
                if any(rest.startswith(f"{app.label}_{model}_") for model in app.models):
                    yield from self._use(source, app.label, how, name, path, line)
        else:
            yield from self._use(source, namespace, how, name, path, line)

    # Templates

    def _template_owner(self, path):
        """The app a template file belongs to: the app whose folder holds it, or the core."""
        for app in self.apps.values():
            if path.is_relative_to(app.path / "templates"):
                return app.label
        parts = path.relative_to(self.templates).parts
        if parts[0] == "admin" and len(parts) > 2 and parts[1] in self.apps:
            return parts[1]
        return parts[0] if len(parts) > 1 and parts[0] in self.apps else self.core

    def _template_file(self, name):
        """The file a template name loads, if it is the project's (not Django's or a library's)."""
        for folder in (self.templates, *(app.path / "templates" for app in self.apps.values())):
            if (folder / name).is_file():
                return folder / name
        return None

    def _template_uses(self, source, path):
        text = path.read_text()
        for match in URL_TAG.finditer(text):
            yield from self._url_uses(source, match[1], "links to", path, self._line(text, match))
        for match in TEMPLATE_TAG.finditer(text):
            loaded = self._template_file(match[2])
            if loaded is not None:
                how = "extends" if match[1] == "extends" else "includes"
                yield from self._use(
                    source, self._template_owner(loaded), how, match[2], path, self._line(text, match)
                )
        for match in PERMISSION.finditer(text):
            yield from self._use(source, match[1], "checks a permission of", match[0], path, self._line(text, match))
        for code in TEMPLATE_CODE.finditer(text):
            names = re.findall(r"\.(\w+)", PERMISSION.sub("", code[0]))
            yield from self._relation_uses(source, names, code[0], path, self._line(text, code))

    @staticmethod
    def _line(text, match):
        return text.count("\n", 0, match.start()) + 1

    def _use(self, source, target, how, what, path, line):
        if target in self.apps:
            yield Use(source, target, how, what, f"{path.relative_to(self.root)}:{line}")


def hidden(uses):
    """Uses of an app by one that never imports it: the graph of imports does not show them."""
    imported = {(use.source, use.target) for use in uses if use.how == "imports"}
    return [use for use in uses if (use.source, use.target) not in imported]


def loops(uses):
    """Each loop of apps that depend on each other, as one use per step, found from its first step."""
    first = {}
    for use in uses:
        first.setdefault((use.source, use.target), use)
    found, seen = [], set()
    for (source, target), use in first.items():
        back = _path(first, target, source)
        if back is not None:
            steps = [use, *back]
            key = frozenset((step.source, step.target) for step in steps)
            if key not in seen:
                seen.add(key)
                found.append(steps)
    return found


def _path(first, start, goal):
    """The shortest chain of uses from `start` to `goal`, or None."""
    chains = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        if here == goal:
            return chains[here]
        for (source, target), use in first.items():
            if source == here and target not in chains:
                chains[target] = [*chains[here], use]
                queue.append(target)
    return None


def describe(steps):
    """A loop as the chain of apps and the use behind each step."""
    chain = " → ".join([steps[0].source, *(step.target for step in steps)])
    return f"{chain}: " + "; ".join(str(step) for step in steps)
