"""Text analysis: one Document per essay with spans, stems, scopes, years and mentions."""

from .document import Document, Mention, Sentence, Span, build_document
from .lexicon import Entity, Lexicon, make_entity
from .tokens import Token, stem, tokenize

__all__ = ["Document", "Mention", "Sentence", "Span", "build_document", "Entity", "Lexicon",
           "make_entity", "Token", "stem", "tokenize"]
