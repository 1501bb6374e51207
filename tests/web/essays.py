"""Short essays written for the web tests (not from the shared sets)."""

WRONG_DATE = (
    "Stalin became leader because Lenin died in 1925 and the others underestimated him. "
    "Lenin's Testament said Stalin was too rude and should be removed as General Secretary, "
    "but Zinoviev and Kamenev kept it secret, so Stalin kept his post.\n\n"
    "Stalin organised Lenin's funeral and gave a speech, while Trotsky was absent because "
    "Stalin gave him the wrong date, which made Trotsky look disrespectful.")

HOSTILE = (
    "<script>alert('essay')</script> <b>Bold</b> & more. Stalin used his postion as "
    "General Secretary to appoint his supporters. Socialism in One Country was popular "
    "with party members because they were tired of war, unlike Trotsky's Permanent "
    "Revolution.")

# The year belongs to the relative clause (Lenin's NEP), not to Stalin's turn against it: the
# grader cannot be sure, so it asks the teacher instead of flagging.
UNSURE_YEAR = (
    "Stalin kept his post because Zinoviev and Kamenev hid Lenin's Testament, which called "
    "him too rude. Later Stalin abandoned the NEP, which Lenin had brought in in 1921, and "
    "began the Five-Year Plans.")
