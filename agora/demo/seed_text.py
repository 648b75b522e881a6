"""Seeded post and comment text: Zipf-distributed words in French or English, with some Markdown, #tags and @mentions."""
from __future__ import annotations

import random

from agora.demo.seed_words import Vocabulary

ENDINGS = (".", ".", ".", ".", "!", "?", " :)", "…")
OPENERS = {"fr": ["Merci", "Bravo", "Question :", "Petit rappel :", "Bonjour à tous,", "Info :", "FYI"],
           "en": ["Thanks", "Kudos", "Question:", "Quick reminder:", "Hi all,", "Heads-up:", "FYI"]}
LINKS = ["https://wiki.agora.example/projets/{w}", "https://docs.agora.example/{w}/guide",
         "https://intranet.agora.example/news/{w}"]


class TextMaker:
    """Writes believable-looking (if meaningless) posts and comments, the same ones for the same seed."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random):
        self.vocabulary = vocabulary
        self.rng = rng

    def _sentence(self, language: str, words: int) -> str:
        rng = self.rng
        tokens = self.vocabulary.words[language].draw(rng, words)
        if rng.random() < 0.03:
            tokens.insert(rng.randrange(len(tokens) + 1), self.vocabulary.phrases[language].one(rng))
        r = rng.random()
        if r < 0.05:
            i = rng.randrange(len(tokens))
            tokens[i] = f"**{tokens[i]}**"
        elif r < 0.08:
            i = rng.randrange(len(tokens))
            tokens[i] = f"*{tokens[i]}*"
        elif r < 0.09:
            i = rng.randrange(len(tokens))
            tokens[i] = f"`{tokens[i]}`"
        if rng.random() < 0.15 and len(tokens) > 3:
            tokens[rng.randrange(1, len(tokens) - 1)] += ","
        text = " ".join(tokens)
        return text[:1].upper() + text[1:] + rng.choice(ENDINGS)

    def _extras(self, language: str, hashtags: float, mentions: float, handles) -> tuple[list[str], list[str]]:
        rng = self.rng
        tags = []
        if rng.random() < hashtags:
            tags = ["#" + t for t in dict.fromkeys(self.vocabulary.hashtags.draw(rng, rng.choice((1, 1, 2, 3))))]
        people = []
        if rng.random() < mentions:
            people = ["@" + h for h in dict.fromkeys(handles(rng.choice((1, 1, 1, 2))))]
        return tags, people

    def post(self, language: str, handles) -> str:
        """A post: one to a few short paragraphs, sometimes a list, a link, a quote or some code."""
        rng = self.rng
        sentences = [self._sentence(language, rng.randint(4, 16)) for _ in range(1 + int(rng.expovariate(0.6)))]
        tags, people = self._extras(language, 0.3, 0.1, handles)
        if people:
            opener = rng.choice(OPENERS[language])
            sentences[0] = f"{opener} {' '.join(people)} — {sentences[0]}"
        paragraphs, i = [], 0
        while i < len(sentences):
            step = rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[i:i + step]))
            i += step
        r = rng.random()
        if r < 0.05:
            items = self.vocabulary.words[language].draw(rng, rng.randint(2, 4))
            paragraphs.append("\n".join(f"- {w} {rng.choice(('ok', 'en cours', 'done', 'à faire', 'todo'))}"
                                        for w in items))
        elif r < 0.08:
            word = self.vocabulary.words[language].one(rng)
            paragraphs.append(f"[{word}]({rng.choice(LINKS).format(w=word)})" if rng.random() < 0.5
                              else rng.choice(LINKS).format(w=word))
        elif r < 0.10:
            paragraphs.insert(0, "> " + self._sentence(language, rng.randint(5, 12)))
        elif r < 0.11:
            paragraphs.append("```\nmake deploy ENV=staging\n```")
        if tags:
            if rng.random() < 0.5:
                paragraphs[-1] += " " + " ".join(tags)
            else:
                paragraphs.append(" ".join(tags))
        return "\n\n".join(paragraphs)

    def comment(self, language: str, handles) -> str:
        """A comment: a sentence or two, now and then a tag or a mention."""
        rng = self.rng
        text = " ".join(self._sentence(language, rng.randint(3, 12)) for _ in range(rng.choice((1, 1, 1, 2, 3))))
        tags, people = self._extras(language, 0.05, 0.08, handles)
        if people:
            text = f"{' '.join(people)} {text}"
        if tags:
            text += " " + " ".join(tags)
        return text
