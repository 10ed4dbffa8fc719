import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module.js';
import { ChangeVendorHandler } from './application/change-vendor.handler.js';
import { RegisterVendorHandler } from './application/register-vendor.handler.js';
import { ReleaseNibHandler } from './application/release-nib.handler.js';
import { VendorsController } from './http/vendors.controller.js';

@Module({
  imports: [PolicyModule],
  controllers: [VendorsController],
  providers: [RegisterVendorHandler, ChangeVendorHandler, ReleaseNibHandler],
})
export class VendorsModule {}
