/**
 * The framework floor of the report: the service's HTTP stack without the service. NestJS on
 * Fastify on 127.0.0.1 (port 0) with the service's JSON body parser and ValidationPipe (from
 * dist/), one route `POST /vendors/:vendorId/listings` whose body is validated as the service's
 * CreateListingDto and answered 201 with a small JSON object (a refused body: the service's
 * problem+json 400): no auth, no idempotency, no store,
 * no logging. Prints `listening on http://127.0.0.1:<port>` and runs until it is killed.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CreateListingDto } from '../../dist/src/catalog/http/listing.dto.js';
import { registerMediaTypes } from '../../dist/src/http/media-types.js';
import { ProblemDetailsFilter } from '../../dist/src/http/problem-details.filter.js';
import { createValidationPipe } from '../../dist/src/http/validation.pipe.js';

class FloorController {
  create(vendorId, body) {
    return { listingId: '00000000-0000-4000-8000-000000000000', vendorId, revision: 0, title: body.title };
  }
}
// What TypeScript's decorators would emit: the body's type is what the ValidationPipe validates against.
Reflect.defineMetadata('design:paramtypes', [String, CreateListingDto], FloorController.prototype, 'create');
Param('vendorId')(FloorController.prototype, 'create', 0);
Body()(FloorController.prototype, 'create', 1);
const method = Object.getOwnPropertyDescriptor(FloorController.prototype, 'create');
HttpCode(201)(FloorController.prototype, 'create', method);
Post('vendors/:vendorId/listings')(FloorController.prototype, 'create', method);
Controller()(FloorController);

class FloorModule {}
Module({ controllers: [FloorController] })(FloorModule);

const adapter = new FastifyAdapter();
const app = await NestFactory.create(FloorModule, adapter, { logger: false, bodyParser: false });
registerMediaTypes(adapter.getInstance());
app.useGlobalPipes(createValidationPipe());
app.useGlobalFilters(new ProblemDetailsFilter());
await app.listen(0, '127.0.0.1');
console.log(`listening on http://127.0.0.1:${adapter.getInstance().server.address().port}`);
