"""The admin's forms as a browser posts them: every field as the page shows it, inline rows included."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    """The fields of one <form> (by id; by default the admin's change form), as a browser would send them."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.data = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.inside:
                self.depth += 1
            elif attrs.get("id") == self.form_id or (self.form_id is None and attrs.get("id", "").endswith("_form")):
                self.inside, self.depth = True, 0
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = [name, ""]
        elif tag == "select" and name and "__prefix__" not in name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            if self.depth:
                self.depth -= 1
            else:
                self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the newline that follows <textarea> and send lines ending with CRLF.
            name, text = self.textarea
            self.data.append((name, text.removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_data(response, form_id=None, **changes):
    """
    What the form in `response` posts when submitted as shown, with `changes` typed over it: a dict of
    lists, for the test client (`client.post(url, data)`). A value of None removes a field.
    """
    parser = _Form(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data
