import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { invalid } from '../../kernel/errors.js';
import { refusedCardNumberField } from '../domain/card-number.js';

/**
 * Runs before validation and before any command: a request carrying a full card number is
 * refused whole (400), so the number reaches neither the ledger nor the logs of a later step.
 */
@Injectable()
export class RefuseCardNumbersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const field = refusedCardNumberField(context.switchToHttp().getRequest<FastifyRequest>().body);
    if (field !== undefined) {
      throw invalid('CARD_NUMBER_REFUSED', 'a full card number is never accepted: give only the last four digits (cardLast4)', [
        { field: field.replace(/^body\.?/, '') || 'body', messages: ['looks like a card number'] },
      ]);
    }
    return next.handle();
  }
}
