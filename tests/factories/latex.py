"""The same ground truth as a LaTeX document: `longtable` tables that break across pages and
repeat their header (`\\endhead`), `booktabs` rules (horizontal only, no grid), wrapped `p{}`
columns, right-aligned numbers and pdfTeX's ligature glyphs (ﬁ ﬂ ﬀ ﬃ) in words like "Traffic"."""

from __future__ import annotations

from ddor_watch.monitor.samples.pdf import Style, _period_text, format_date
from ddor_watch.monitor.samples.truth import ReportTruth
from ddor_watch.scraper.pdf.normalize import STATE_NAMES

_HEADERS = {"state": "State", "county": "County", "city": "City", "facility": "Facility",
            "citizenship": "Country of Citizenship", "issued": "Detainer Issued Date",
            "declined": "Declined Date", "offences": "Notable Criminal Activity"}
_WIDTHS = {"state": 2.2, "county": 2.6, "city": 2.0, "facility": 2.8, "citizenship": 2.0, "issued": 1.7,
           "declined": 1.7, "offences": 4.4}
_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def render_latex(truth: ReportTruth, style: Style | None = None, *, offences: str = "semicolons",
                 continued: bool = False) -> str:
    """`offences`: "semicolons" or "lines" (one per line inside the cell, no separator).
    `continued`: each table's page breaks say so, as in the longtable manual's example
    ("Continued on next page" under a rule, "(continued from previous page)" over the header)."""
    style = style or Style()

    def state(code: str) -> str:
        return STATE_NAMES[code] if style.state_names else code

    def offence_cell(items: tuple[str, ...]) -> str:
        if offences == "lines":
            return r"\newline ".join(tex(o) for o in items)
        return tex("; ".join(items))

    order = style.declined_order
    spec = "".join(rf">{{\raggedright\arraybackslash}}p{{{_WIDTHS[k]}cm}}" for k in order)
    head = " & ".join(rf"\textbf{{{_HEADERS[k]}}}" for k in order)
    rows = "\n".join(" & ".join({
        "state": tex(state(r.state)), "county": tex(r.county), "city": tex(r.city or ""),
        "facility": tex(r.facility or ""), "citizenship": tex(r.citizenship or ""),
        "issued": tex(format_date(r.issued, style)), "declined": tex(format_date(r.declined, style)),
        "offences": offence_cell(r.offences)}[k] for k in order) + r" \\" for r in truth.declined)
    top = "\n".join(rf"{tex(t.jurisdiction)} & {tex(state(t.state))} & {t.detainers_issued:,} \\" for t in truth.top)
    policies = "\n".join(rf"{tex(state(p.state))} & {tex(p.jurisdiction)} & {tex(p.policy_type)} & "
                         rf"{tex(p.description)} \\" for p in truth.policies)

    def table(columns: str, header: str, body: str) -> str:
        width = header.count("&") + 1
        again = (rf"\multicolumn{{{width}}}{{l}}{{\emph{{(continued from previous page)}}}} \\" "\n"
                 if continued else "")
        foot = (r"\midrule" "\n" rf"\multicolumn{{{width}}}{{r}}{{\emph{{Continued on next page}}}} \\" "\n"
                r"\endfoot" "\n" if continued else "")
        return (rf"\begin{{longtable}}{{{columns}}}" "\n" r"\toprule" "\n" rf"{header} \\" "\n" r"\midrule"
                "\n" r"\endfirsthead" "\n" f"{again}" r"\toprule" "\n" rf"{header} \\" "\n" r"\midrule" "\n"
                r"\endhead" "\n" f"{foot}" r"\bottomrule" "\n" r"\endlastfoot" "\n" f"{body}\n" r"\end{longtable}")

    return "\n".join([
        r"\documentclass[10pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[landscape,margin=1.5cm]{geometry}",
        r"\usepackage{longtable,booktabs,array}", r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{4pt}",
        r"\begin{document}", r"\small",
        "ENFORCEMENT AND REMOVAL OPERATIONS\n",
        rf"{{\Large\bfseries {tex(truth.title)}\par}}", "",
        rf"For Recorded Declined Detainers {tex(_period_text(truth))}", "",
        r"\subsection*{Summary}",
        rf"This report lists {len(truth.declined):,} declined detainers that ICE recorded during the period.",
        r"\section*{Section I: Highest Volume of Detainers Issued to Non-Cooperative Jurisdictions}",
        rf"ICE issued {truth.detainers_issued_total:,} detainers throughout the United States during this period.",
        table("llr", r"\textbf{Jurisdiction} & \textbf{State} & \textbf{Detainers Issued}", top),
        r"\section*{Section II: Jurisdictions with Recorded Declined Detainers}",
        table(spec, head, rows),
        r"\section*{Section III: Table of Jurisdictions that have Enacted Policies which Limit Cooperation with ICE}",
        table(r">{\raggedright\arraybackslash}p{2.2cm}>{\raggedright\arraybackslash}p{3.5cm}"
              r">{\raggedright\arraybackslash}p{2.4cm}>{\raggedright\arraybackslash}p{13cm}",
              r"\textbf{State} & \textbf{Jurisdiction} & \textbf{Type} & \textbf{Description}", policies),
        r"\section*{Section IV: Report Scope and Data Fidelity}",
        tex(truth.caveat),
        r"\end{document}", ""])
