def build(*, today=None, people=None):
    return {}
