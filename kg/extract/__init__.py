"""Extractors, one module per entity type. Each exposes ``extract(ctx, doc)``.

``ctx`` is a :class:`kg.nlp.context.DocContext`: read ``ctx.text`` (normalised),
append items to ``ctx.extraction`` with ``ctx.prov(start, end, rule)``. ``doc`` is the
spaCy Doc of the same text (jieba tokens) for word boundaries.
"""
