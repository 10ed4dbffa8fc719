import { Module } from '@nestjs/common';
import { SPLIT_PURCHASE_FACTS } from '../orders/application/split-purchase-facts.js';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { ReadModelSplitPurchaseFacts } from './application/read-model-split-purchase-facts.js';
import { ReviewRedFlagHandler } from './application/review-red-flag.handler.js';
import { RedFlagsController } from './http/red-flags.controller.js';

/** Red flags: reviews (commands), queries, and the recent-orders source placement reads when the policy refuses split purchases. */
@Module({
  imports: [ReadModelsModule],
  controllers: [RedFlagsController],
  providers: [ReviewRedFlagHandler, { provide: SPLIT_PURCHASE_FACTS, useClass: ReadModelSplitPurchaseFacts }],
  exports: [SPLIT_PURCHASE_FACTS],
})
export class RedFlagsModule {}
