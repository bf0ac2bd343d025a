"""Build hook: the optional C version of the tokenizer's route (kg/nlp/_route.c).

Everything else is declared in setup.cfg. ``optional=True``: without a C compiler the
install still succeeds and kg uses the Python version of the same function.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("kg.nlp._route", ["kg/nlp/_route.c"], optional=True)])
