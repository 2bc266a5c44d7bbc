"""The facts and the answers: typed catalogue, French dates, mention linking, queries, answer texts.

Pure Python with no Rasa, Sanic or environment reads: every value comes in as an argument.
"""
