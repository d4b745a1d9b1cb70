"""The same ground truth as an HTML page, for PDFs made by another producer (a browser)."""

from __future__ import annotations

import html

from ddor_watch.monitor.samples.pdf import Style, _period_text, format_date
from ddor_watch.monitor.samples.truth import ReportTruth
from ddor_watch.scraper.pdf.normalize import STATE_NAMES

_HEADERS = {"state": "State", "county": "County", "city": "City", "facility": "Facility",
            "citizenship": "Country of Citizenship", "issued": "Detainer Issued Date",
            "declined": "Declined Date", "offences": "Notable Criminal Activity"}


def render_html(truth: ReportTruth, style: Style | None = None, borders: bool = True, *,
                split_rows: tuple[str, ...] = (), offences: str = "semicolons") -> str:
    """`split_rows` names the tables ("top", "declined", "policies") whose rows may break
    across pages, as word processors and browsers do unless told not to; `offences` is
    "semicolons", "lines" (one per line, <br>) or "paragraphs" (one per <p>): the last two
    print no separator at all."""
    style = style or Style()
    e = html.escape

    def offence_cell(items: tuple[str, ...]) -> str:
        if offences == "lines":
            return "<br>".join(e(o) for o in items)
        if offences == "paragraphs":
            return "".join(f"<p style='margin:0'>{e(o)}</p>" for o in items)
        return e("; ".join(items))

    def state(code: str) -> str:
        return STATE_NAMES[code] if style.state_names else code

    border = "border:1px solid #444;" if borders else ""
    css = (f"body{{font-family:Arial,sans-serif;font-size:10pt}} table{{border-collapse:collapse;width:100%}}"
           f"th,td{{{border}padding:3px 5px;font-size:8.5pt}} th{{background:#ddd}}"
           "thead{display:table-header-group} tr{page-break-inside:avoid}"
           + "".join(f" table.{name} tr{{page-break-inside:auto}}" for name in split_rows))
    order = style.declined_order
    rows = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in (
            {"state": e(state(r.state)), "county": e(r.county), "city": e(r.city or ""),
             "facility": e(r.facility or ""), "citizenship": e(r.citizenship or ""),
             "issued": e(format_date(r.issued, style)), "declined": e(format_date(r.declined, style)),
             "offences": offence_cell(r.offences)}[k] for k in order))
        + "</tr>" for r in truth.declined)
    top = "".join(f"<tr><td>{e(t.jurisdiction)}</td><td>{e(state(t.state))}</td><td>{t.detainers_issued:,}</td></tr>"
                  for t in truth.top)
    policies = "".join(f"<tr><td>{e(state(p.state))}</td><td>{e(p.jurisdiction)}</td><td>{e(p.policy_type)}</td>"
                       f"<td>{e(p.description)}</td></tr>" for p in truth.policies)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<p>ENFORCEMENT AND REMOVAL OPERATIONS</p>
<h1>{e(truth.title)}</h1>
<p>For Recorded Declined Detainers {_period_text(truth)}</p>
<h3>Summary</h3>
<p>This report lists {len(truth.declined):,} declined detainers that ICE recorded during the period.</p>
<h2>Section I: Highest Volume of Detainers Issued to Non-Cooperative Jurisdictions</h2>
<p>ICE issued {truth.detainers_issued_total:,} detainers throughout the United States during this period.</p>
<table class="top"><thead><tr><th>Jurisdiction</th><th>State</th><th>Detainers Issued</th></tr></thead>
<tbody>{top}</tbody></table>
<h2>Section II: Jurisdictions with Recorded Declined Detainers</h2>
<table class="declined"><thead><tr>{"".join(f"<th>{_HEADERS[k]}</th>" for k in order)}</tr></thead>
<tbody>{rows}</tbody></table>
<h2>Section III: Table of Jurisdictions that have Enacted Policies which Limit Cooperation with ICE</h2>
<table class="policies"><thead><tr><th>State</th><th>Jurisdiction</th><th>Type</th><th>Description</th></tr></thead>
<tbody>{policies}</tbody></table>
<h2>Section IV: Report Scope and Data Fidelity</h2>
<p>{e(truth.caveat)}</p>
</body></html>"""
