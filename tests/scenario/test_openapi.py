"""GET /api/v1/openapi.json: an OpenAPI 3 document of the whole API, held against the server's
route table (src/http/router.c) so that a route cannot be added, renamed or removed without its
description: every route is described once, and nothing else is."""

import json
import os
import re
import urllib.request

from lib import check, eq

ROUTER = os.path.join(os.path.dirname(__file__), "..", "..", "src", "http", "router.c")
MD = ["POST /{c}", "GET /{c}", "GET /{c}/:", "PATCH /{c}/:", "GET /{c}/:/history"]


def route_table():
    src = open(ROUTER, encoding="utf-8").read()
    start = src.index("static const struct route routes[]")
    body = src[start:src.index("};", start)]
    out = set()
    for m in re.finditer(r'MD_ROUTES\((\w+)\)|\{"(\w+)", "([^"]+)", \w+', body):
        if m.group(1):
            out |= {x.format(c=m.group(1)) for x in MD}
        else:
            out.add(f"{m.group(2)} {m.group(3)}")
    return out


def test_openapi_describes_exactly_the_route_table(t):
    url = f"http://127.0.0.1:{t.server.port}/api/v1/openapi.json"
    with urllib.request.urlopen(url, timeout=10) as r:  # public, like the web UI
        eq(r.status, 200, "served")
        check(r.headers["Content-Type"].startswith("application/json"), "JSON")
        doc = json.load(r)
    check(doc["openapi"].startswith("3."), "OpenAPI 3")
    eq(doc["servers"], [{"url": "/api/v1"}], "base path")
    described = set()
    for path, ops in doc["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", ":", path)
        for method, op in ops.items():
            key = f"{method.upper()} {pattern}"
            check(key not in described, f"{key} described twice")
            described.add(key)
            check(op.get("summary"), f"{key} has a summary")
            check(op.get("responses"), f"{key} has responses")
            for p in re.findall(r"\{([^}]+)\}", path):
                names = [x.get("name") for x in op.get("parameters", []) if "name" in x]
                check(p in names, f"{key}: path parameter {p} declared")
    table = route_table()
    check(len(table) > 50, f"the route table was read ({len(table)} routes)")
    eq(sorted(table - described), [], "routes without a description")
    eq(sorted(described - table), [], "descriptions of routes that do not exist")
    doc_schema = doc["components"]["schemas"]["Document"]
    check("allowed_actions" in doc_schema["required"], "documents carry allowed_actions")


def test_openapi_describes_the_order_line_fields(t):
    """#11: an order line's payment source (free goods from expense money), its expense
    application and price, the agreed price on input and the quotation or contract that
    covers a price below the list."""
    url = f"http://127.0.0.1:{t.server.port}/api/v1/openapi.json"
    with urllib.request.urlopen(url, timeout=10) as r:
        doc = json.load(r)
    schemas = doc["components"]["schemas"]
    line_in = schemas["OrderLineInput"]["properties"]
    check({"sku", "qty", "payment_source", "expense_application", "price_fen"} <= set(line_in),
          f"order line input fields: {sorted(line_in)}")
    eq(line_in["payment_source"]["enum"], ["cash", "expense"], "payment sources")
    line_out = schemas["OrderLine"]["properties"]
    check({"payment_source", "expense_application", "price_fen", "expense_price_fen",
           "expense_amount_fen", "price_source"} <= set(line_out),
          f"order line fields: {sorted(line_out)}")
    body = doc["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]
    eq(body["schema"], {"$ref": "#/components/schemas/OrderInput"}, "POST /orders body")
    eq(schemas["OrderInput"]["properties"]["lines"]["items"],
       {"$ref": "#/components/schemas/OrderLineInput"}, "its lines")
