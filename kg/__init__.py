"""kg: knowledge graphs of Chinese emergency-management (应急管理) texts.

Heavy libraries (spaCy, jieba, pandas) are imported only when a function needs
them, so ``import kg`` and ``kg --help`` stay fast: the query API below is
loaded on first use (``kg.load``, ``kg.from_sources``, ``kg.Explorer``, from
:mod:`kg.query`).
"""

__version__ = "0.1.0"

# name -> module defining it, imported on first access (PEP 562). ``build`` is not
# here: ``kg.build`` is the build submodule.
_LAZY = {"load": "kg.query", "from_sources": "kg.query", "Explorer": "kg.query"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
