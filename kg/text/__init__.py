"""Text normalisation: pure functions from original text to normalised text plus offset map."""
