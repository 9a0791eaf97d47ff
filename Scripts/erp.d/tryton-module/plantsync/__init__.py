# PlantSync's Tryton module: one field on stock.move holding the PlantSync event id a move was
# posted for. Stock moves in Tryton 8.2 have no free reference field, and the connector needs a
# searchable key written in the same transaction as the move, so a re-delivered event is found
# instead of posted twice.
from trytond.pool import Pool

from . import stock


def register():
    Pool.register(stock.Move, module='plantsync', type_='model')
