import { Module } from '@nestjs/common';
import { ListingCommandHandler } from './application/listing-command.handler.js';
import { ListingsController } from './http/listings.controller.js';

@Module({ controllers: [ListingsController], providers: [ListingCommandHandler] })
export class CatalogModule {}
