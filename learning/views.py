def mash_overview(r):
    pass


my_mash = mash_plan = mash_rota = mash_change_day = mash_publish = mash_overview
