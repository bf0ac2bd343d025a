"""The spaCy stage: a blank Chinese pipeline with the jieba segmenter and kg's extractors."""
