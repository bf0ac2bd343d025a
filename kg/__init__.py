"""kg: knowledge graphs of Chinese emergency-management (应急管理) texts.

Heavy libraries (spaCy, jieba, pandas) are imported only when a function needs
them, so ``import kg`` and ``kg --help`` stay fast.
"""

__version__ = "0.1.0"
