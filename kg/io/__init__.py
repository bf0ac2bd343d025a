"""Reading sources: manifest, file discovery, decoding, HTML main text."""
