from trytond.model import Index, fields
from trytond.pool import PoolMeta


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'
    plantsync_event = fields.Char(
        "PlantSync Event",
        help="The PlantSync event this move was posted for (set by the hub's tryton connector).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.plantsync_event, Index.Equality())))
